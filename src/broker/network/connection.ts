import type { Socket } from 'node:net'
import type { Logger } from '../logger.js'
import { FrameSplitter } from './frame-splitter.js'

/** Turns one request frame into its response frame, or null when none is owed (acks=0). */
export type RequestDispatcher = (
  frame: Buffer,
  connection: Connection,
) => Promise<Buffer | null> | Buffer | null

export interface ConnectionOptions {
  maxFrameBytes: number
  /** Requests read but not yet answered; reading pauses at this many (Kafka's queued.max.requests idea, per connection). */
  maxInFlight: number
  logger: Logger
}

interface Pending {
  done: boolean
  response: Buffer | null
}

/**
 * One client connection. Requests may be pipelined: each is dispatched as it
 * arrives (a long-polling fetch does not hold up a metadata request behind
 * it), but responses are written strictly in request order, as Kafka
 * guarantees. Anything malformed closes this connection only.
 */
export class Connection {
  private readonly splitter: FrameSplitter
  private readonly pending: Pending[] = []
  private closed = false
  private paused = false
  /** The socket's send buffer is full: stop reading requests until it drains. */
  private writeBlocked = false
  /** Set on shutdown: no further requests are read. */
  private stopped = false
  private drainWaiters: (() => void)[] = []
  readonly remote: string

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly dispatch: RequestDispatcher,
    private readonly options: ConnectionOptions,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`
    this.splitter = new FrameSplitter(options.maxFrameBytes)
    socket.setNoDelay(true)
    socket.on('data', (chunk) => this.onData(chunk))
    socket.on('drain', () => {
      this.writeBlocked = false
      this.updateFlow()
    })
    socket.on('error', () => this.destroy())
    socket.on('close', () => this.destroy())
  }

  get isClosed(): boolean {
    return this.closed
  }

  get inFlight(): number {
    return this.pending.length
  }

  private onData(chunk: Buffer): void {
    if (this.closed || this.stopped) return
    let frames: Buffer[]
    try {
      frames = this.splitter.push(chunk)
    } catch (err) {
      this.fail(err)
      return
    }
    for (const frame of frames) this.handle(frame)
  }

  private handle(frame: Buffer): void {
    if (this.closed) return
    const entry: Pending = { done: false, response: null }
    this.pending.push(entry)
    this.updateFlow()
    let result: Promise<Buffer | null> | Buffer | null
    try {
      result = this.dispatch(frame, this)
    } catch (err) {
      this.fail(err)
      return
    }
    if (result instanceof Promise) {
      result.then(
        (response) => this.complete(entry, response),
        (err) => this.fail(err),
      )
    } else {
      this.complete(entry, result)
    }
  }

  private complete(entry: Pending, response: Buffer | null): void {
    entry.done = true
    entry.response = response
    if (this.closed) return
    // write every finished response at the head of the queue, in request order
    while (this.pending.length > 0 && this.pending[0].done) {
      const head = this.pending.shift()!
      if (head.response && !this.socket.write(head.response)) this.writeBlocked = true
    }
    this.updateFlow()
    if (this.pending.length === 0) this.notifyDrained()
  }

  /**
   * Pauses reading while too many requests are unanswered or the client is not
   * reading its responses, so a slow or greedy client cannot grow our memory.
   */
  private updateFlow(): void {
    if (this.closed || this.stopped) return
    const over = this.pending.length >= this.options.maxInFlight || this.writeBlocked
    if (over && !this.paused) {
      this.paused = true
      this.socket.pause()
    } else if (!over && this.paused) {
      this.paused = false
      this.socket.resume()
    }
  }

  private fail(err: unknown): void {
    if (this.closed) return
    const reason = err instanceof Error ? err.message : String(err)
    this.options.logger.warn(`closing connection ${this.id} from ${this.remote}: ${reason}`)
    this.destroy()
  }

  /** Resolves once every request read so far has been answered (or the connection is gone). */
  whenDrained(): Promise<void> {
    if (this.closed || this.pending.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.drainWaiters.push(resolve))
  }

  private notifyDrained(): void {
    const waiters = this.drainWaiters
    this.drainWaiters = []
    for (const w of waiters) w()
  }

  /** Stops reading new requests; in-flight ones may still finish. */
  stopReading(): void {
    this.stopped = true
    this.socket.pause()
    this.paused = true
    this.socket.removeAllListeners('data')
  }

  /** Graceful close: answer what was read, then end the socket. */
  async end(): Promise<void> {
    this.stopReading()
    await this.whenDrained()
    if (!this.closed) {
      this.closed = true
      // end() flushes what is queued; destroy() would discard it
      this.socket.end()
    }
  }

  destroy(): void {
    if (this.closed) return
    this.closed = true
    this.pending.length = 0
    this.socket.destroy()
    this.notifyDrained()
  }
}
