import { spawn } from 'node:child_process'
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

/** Runs `sluice <args>` from source (node + tsx) to its end; kills it after `timeoutMs`. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...cleanEnv(), ...options.env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => {
    stdout += d
  })
  child.stderr.on('data', (d) => {
    stderr += d
  })
  child.stdin.end(options.input ?? '')
  const timeoutMs = options.timeoutMs ?? 20_000
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`sluice ${args.join(' ')} did not end within ${timeoutMs} ms; stderr: ${stderr}`))
    }, timeoutMs)
    // 'close': the process exited and its output is all read
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}
