import { spawn, spawnSync } from 'node:child_process'
import { describe, it } from 'vitest'

/**
 * Third-party clients that are programs rather than npm packages (kcat, the
 * Debian Python clients): finding out whether they are installed, and running
 * them as bounded child processes.
 *
 * A missing client is a skip on a developer machine, because not everyone has
 * them, but a failure under CI, where .ci/install-compat-clients installs them:
 * a suite that quietly skips in CI would prove nothing.
 */

/** Debian's interpreter, where python3-confluent-kafka and python3-kafka install; not a pyenv or venv one. */
export const PYTHON = '/usr/bin/python3'

export interface Availability {
  readonly available: boolean
  /** Why not, when not available. */
  readonly reason: string
}

/** Available when every part is; otherwise the reasons of those that are not. */
export function allOf(...parts: Availability[]): Availability {
  const missing = parts.filter((p) => !p.available)
  return missing.length === 0
    ? { available: true, reason: '' }
    : { available: false, reason: missing.map((p) => p.reason).join('; ') }
}

/** True when running under CI, where every client must be present. */
export function underCi(): boolean {
  const ci = process.env.CI
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false'
}

/**
 * Runs a quick probe command synchronously (at collection time, so it can
 * decide whether a describe block runs) and reports whether it exited 0.
 */
export function probe(command: string, args: readonly string[], timeoutMs = 10_000): Availability {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs, stdio: 'pipe' })
  if (result.error) return { available: false, reason: `${command}: ${result.error.message}` }
  if (result.status !== 0) {
    const detail = (result.stderr || result.stdout || '').trim().split('\n').slice(-3).join(' | ')
    return {
      available: false,
      reason: `${command} ${args.join(' ')} exited ${result.status ?? result.signal}: ${detail}`,
    }
  }
  return { available: true, reason: '' }
}

/** Whether `/usr/bin/python3` can import the given module. */
export function probePythonModule(module: string): Availability {
  return probe(PYTHON, ['-c', `import ${module}`])
}

/**
 * A describe block for tests that need an external client. When the client is
 * there the block runs as written. When it is not: under CI a single test
 * fails naming what is missing; elsewhere the block is skipped with a message.
 */
export function describeWithClient(name: string, availability: Availability, body: () => void): void {
  if (availability.available) {
    describe(name, body)
    return
  }
  const message = `${name} is not installed (${availability.reason}); run .ci/install-compat-clients`
  if (underCi()) {
    describe(name, () => {
      it('is installed (required under CI)', () => {
        throw new Error(message)
      })
    })
    return
  }
  console.warn(`skipping compatibility tests: ${message}`)
  describe.skip(`${name} (skipped: not installed)`, body)
}

/**
 * A test that needs an optional part of a client (a compression codec, say).
 * Like `describeWithClient`: runs when the part is there, fails under CI when
 * it is not, and is skipped with a message elsewhere.
 */
export function itWithPart(
  name: string,
  part: string,
  availability: Availability,
  fn: () => Promise<void>,
  options: { timeoutMs?: number; concurrent?: boolean } = {},
): void {
  // concurrent tests overlap their child processes; vitest still runs a following plain test after them
  const test = options.concurrent ? it.concurrent : it
  if (availability.available) {
    test(name, fn, options.timeoutMs)
    return
  }
  const message = `${part} is not available (${availability.reason}); run .ci/install-compat-clients`
  if (underCi()) {
    test(name, () => {
      throw new Error(message)
    })
    return
  }
  console.warn(`skipping ${name}: ${message}`)
  test.skip(`${name} (skipped: ${part} not available)`, fn)
}

export interface RunOptions {
  /** Written to the child's stdin, which is then closed. Without it stdin is closed at once. */
  input?: string | Buffer
  /** The child is killed (SIGKILL) when it runs longer. */
  timeoutMs: number
  /** Extra environment variables on top of this process's. */
  env?: Record<string, string>
}

export interface RunResult {
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  /** stdout as the child wrote it, for clients that print bytes which are not UTF-8 (kcat -J). */
  readonly stdoutBytes: Buffer
  readonly stderr: string
  readonly timedOut: boolean
  readonly durationMs: number
}

/** Output kept for an error message: the end of stderr is where clients put the reason they died. */
function tail(text: string, chars = 2000): string {
  return text.length <= chars ? text : `...${text.slice(-chars)}`
}

/**
 * Runs a program to completion with a time limit, capturing stdout and stderr.
 * Never rejects because of how the child ended; see `runChecked` for that.
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ? { ...process.env, ...options.env } : process.env,
      // its own process group, so a timeout can kill anything it started as well
      detached: true,
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }, options.timeoutMs)
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    // a child that exits before reading all its input makes the write fail with EPIPE;
    // the exit status and stderr say more than that error does
    child.stdin.on('error', () => {})
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('exit', () => {
      // after a kill, whatever might still hold the pipes must not keep the test waiting
      if (timedOut) {
        child.stdout.destroy()
        child.stderr.destroy()
      }
    })
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer)
      const stdoutBytes = Buffer.concat(stdout)
      resolve({
        exitCode,
        signal,
        stdout: stdoutBytes.toString('utf8'),
        stdoutBytes,
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
        durationMs: performance.now() - started,
      })
    })
    child.stdin.end(options.input ?? '')
  })
}

/** Runs a program like `run` and rejects, with the end of its stderr, unless it exits 0 in time. */
export async function runChecked(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  const result = await run(command, args, options)
  if (result.timedOut) {
    throw new Error(
      `${command} ${args.join(' ')} killed after ${options.timeoutMs} ms\nstderr: ${tail(result.stderr)}`,
    )
  }
  if (result.exitCode !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.exitCode ?? result.signal}\nstderr: ${tail(result.stderr)}`,
    )
  }
  return result
}

/** Parses one JSON document per non-empty line, as the Python client scripts print them. */
export function jsonLines<T = unknown>(text: string): T[] {
  const out: T[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    try {
      out.push(JSON.parse(line) as T)
    } catch {
      throw new Error(`not a JSON line: ${line.slice(0, 200)}`)
    }
  }
  return out
}
