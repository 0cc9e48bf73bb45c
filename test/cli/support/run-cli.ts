import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** Written to stdin, which is then closed; stdin is empty otherwise. */
  input?: string
  env?: Record<string, string>
  timeoutMs?: number
}

/** The test's environment without the variables the CLI reads, so a developer's settings do not leak in. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  delete env.SLUICE_BROKERS
  delete env.SLUICE_SASL_PASSWORD
  delete env.DEBUG
  return env
}

export interface CliProcess {
  child: ChildProcessWithoutNullStreams
  stdout: () => string
  stderr: () => string
  /** Resolves once the process exited and its output is all read ('close'). */
  closed: Promise<number | null>
}

/** Starts `sluice <args>` from source (node + tsx) and leaves stdin open. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...cleanEnv(), ...env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => {
    stdout += d
  })
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  return { child, stdout: () => stdout, stderr: () => stderr, closed }
}

/** Runs `sluice <args>` to its end; kills it after `timeoutMs`. */
export async function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const cli = startCli(args, options.env)
  cli.child.stdin.end(options.input ?? '')
  const timeoutMs = options.timeoutMs ?? 20_000
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), timeoutMs)
  const code = await cli.closed
  clearTimeout(timer)
  if (code === null)
    throw new Error(`sluice ${args.join(' ')} did not end within ${timeoutMs} ms; stderr: ${cli.stderr()}`)
  return { code, stdout: cli.stdout(), stderr: cli.stderr() }
}
