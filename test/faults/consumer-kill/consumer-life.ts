import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CHILD = fileURLToPath(new URL('killable-consumer.ts', import.meta.url))

/** One run of killable-consumer.ts, from spawn to its end (a kill or a clean close). */
export class ConsumerLife {
  readonly spawnedAt = Date.now()
  readonly exited: Promise<number | string>
  private readonly child: ChildProcess
  private stderr = ''

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    this.child.stderr!.setEncoding('utf8')
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderr = `${this.stderr}${chunk}`.slice(-3000)
    })
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
    )
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  get recentStderr(): string {
    return this.stderr
  }

  /** Sends `signal` (if it still runs) and resolves with how it ended. */
  async end(signal: NodeJS.Signals): Promise<number | string> {
    if (this.running) this.child.kill(signal)
    return this.exited
  }

  /** Polls `check` every 5 ms; fails if the process ends first or after `timeoutMs`, with its stderr. */
  async waitUntil(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!check()) {
      if (!this.running) {
        throw new Error(`the consumer exited (${await this.exited}) before ${what}\n${this.stderr}`)
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
}
