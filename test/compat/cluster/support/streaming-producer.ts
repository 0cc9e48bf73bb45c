import { type ChildProcess, spawn } from 'node:child_process'

/**
 * A producer in its own process that takes records on stdin as they are
 * written, so a test can keep it producing while it moves leaders and stops
 * nodes, and then close its input and wait for it to flush and exit.
 * `kcat -P` and the confluent-kafka script below both read `key:value` lines.
 */
export class StreamingProducer {
  private readonly child: ChildProcess
  private stderr = ''
  readonly exited: Promise<number | string>

  constructor(
    readonly client: string,
    command: string,
    args: readonly string[],
  ) {
    this.child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'], detached: true })
    this.child.stderr!.setEncoding('utf8')
    this.child.stderr!.on('data', (chunk: string) => {
      this.stderr = `${this.stderr}${chunk}`.slice(-8000)
    })
    // a producer that died has its own story in stderr; EPIPE would hide it
    this.child.stdin!.on('error', () => {})
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
    )
  }

  get recentStderr(): string {
    return this.stderr
  }

  /** Sends `key:value` lines. */
  send(records: readonly { key: string; value: string }[]): void {
    this.child.stdin!.write(records.map((r) => `${r.key}:${r.value}\n`).join(''))
  }

  /** Closes stdin and waits for the producer to deliver everything and exit; kills it after `timeoutMs`. */
  async finish(timeoutMs = 30_000): Promise<number | string> {
    this.child.stdin!.end()
    const timer = setTimeout(() => this.kill(), timeoutMs)
    const code = await this.exited
    clearTimeout(timer)
    return code
  }

  kill(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    try {
      process.kill(-this.child.pid!, 'SIGKILL')
    } catch {
      this.child.kill('SIGKILL')
    }
  }
}
