import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const RESULT_PREFIX = 'RESULT '
const live = new Set<ChildProcess>()
// a runner that dies (Ctrl-C, a thrown error) takes its client processes with it
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

/**
 * One life of a reliability child process (../children/*.ts, run from
 * source through tsx) with a JSON config as its only argument: from spawn
 * to its end, by a kill or by itself. Keeps the tail of its stderr for
 * failure messages and picks up the `RESULT {...}` line it prints last.
 */
export class ClientProcess<R = unknown> {
  readonly spawnedAt = Date.now()
  readonly exited: Promise<number | string>
  private readonly child: ChildProcess
  private stderr = ''
  private stdout = ''

  constructor(child: string, config: unknown, env: Readonly<Record<string, string>> = {}) {
    const file = fileURLToPath(new URL(`../children/${child}.ts`, import.meta.url))
    this.child = spawn(process.execPath, ['--import', 'tsx', file, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    })
    live.add(this.child)
    this.child.stdout!.setEncoding('utf8')
    this.child.stdout!.on('data', (chunk: string) => {
      this.stdout = `${this.stdout}${chunk}`.slice(-20_000)
    })
    this.child.stderr!.setEncoding('utf8')
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderr = `${this.stderr}${chunk}`.slice(-4000)
    })
    this.exited = new Promise((resolve) =>
      // 'close', not 'exit': stdout is read to its end by then, RESULT line included
      this.child.once('close', (code, signal) => {
        live.delete(this.child)
        resolve(code ?? signal ?? -1)
      }),
    )
  }

  get pid(): number {
    return this.child.pid!
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  get recentStderr(): string {
    return this.stderr
  }

  /** The RESULT line's object, once the process printed it. */
  get result(): R | undefined {
    const line = this.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX))
    return line === undefined ? undefined : (JSON.parse(line.slice(RESULT_PREFIX.length)) as R)
  }

  /** Sends `signal` if it still runs, without waiting. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal)
  }

  /** Sends `signal` (if it still runs) and resolves with how it ended. */
  async end(signal: NodeJS.Signals): Promise<number | string> {
    if (this.running) this.child.kill(signal)
    return this.exited
  }

  /** Waits for the process to end by itself and returns its RESULT; fails with its stderr otherwise. */
  async finished(timeoutMs: number): Promise<R> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs)
    const code = await this.exited.finally(() => clearTimeout(timer))
    const result = this.result
    if (code !== 0 || result === undefined) {
      throw new Error(`${this.describe()} ended with ${code} without a result\n${this.stderr}`)
    }
    return result
  }

  /** Polls `ready` every 20 ms; fails if the process ends first or after `timeoutMs`, with its stderr. */
  async waitUntil(what: string, ready: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!ready()) {
      if (!this.running)
        throw new Error(`${this.describe()} exited (${await this.exited}) before ${what}\n${this.stderr}`)
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  private describe(): string {
    return `child ${this.child.spawnargs[2]?.split('/').pop()} (pid ${this.child.pid})`
  }
}

/** For children: the one line their parent reads. */
export function printResult(result: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`)
}
