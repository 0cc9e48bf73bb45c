import type { Socket } from 'node:net'
import { FrameSplitter, MIN_REQUEST_FRAME_BYTES } from '../../protocol/frame-splitter.js'
import type { Authenticator } from '../auth/authenticator.js'
import type { SaslSession } from '../auth/sasl-session.js'
import { type Clock, systemClock } from '../clock.js'
import type { Logger } from '../logger.js'
import { DeadlineTimer } from './deadline-timer.js'
import { CONNECTION_LIMIT_DEFAULTS } from './limits.js'
import type { RateLimitedLog } from './rate-limited-log.js'

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
  /** Time for the idle and partial-request timeouts. Default the system clock. */
  clock?: Clock
  /** Close after this long with nothing in flight, received or sent (`connections.max.idle.ms`); 0 never. Default 0. */
  idleTimeoutMs?: number
  /** Close when a request started arriving and is not complete after this long; 0 never. Default 0. */
  requestReceiveTimeoutMs?: number
  /** Set when clients must log in with SASL; the connection then owns a SaslSession. */
  authenticator?: Authenticator
  /** Largest frame before the login (`sasl.server.max.receive.size`). Default 524288. */
  saslMaxReceiveBytes?: number
  /**
   * Where "closing connection" lines for bad input go, shared by a node's
   * connections so a client throwing garbage cannot flood the log. Default
   * every line to `logger.warn`.
   */
  closeLog?: RateLimitedLog
}

interface Pending {
  done: boolean
  response: Buffer | null
}

/** A raw SASL token (after a v0 SaslHandshake) may be as short as one byte. */
const MIN_RAW_TOKEN_BYTES = 1

/**
 * One client connection. Requests may be pipelined: each is dispatched as it
 * arrives (a long-polling fetch does not hold up a metadata request behind
 * it), but responses are written strictly in request order, as Kafka
 * guarantees. Anything malformed closes this connection only.
 *
 * With authentication on, the connection owns a SaslSession: until it has
 * logged in, frames are limited to the SASL receive size and taken one at a
 * time, and after a v0 SaslHandshake the next frames are raw SASL tokens
 * handed to the session instead of the dispatcher.
 */
export class Connection {
  private readonly splitter: FrameSplitter
  private readonly pending: Pending[] = []
  private readonly clock: Clock
  private readonly deadline: DeadlineTimer
  private closed = false
  private paused = false
  /** The socket's send buffer is full: stop reading requests until it drains. */
  private writeBlocked = false
  /** Set on shutdown: no further requests are read. */
  private stopped = false
  /** Frames are being taken from the splitter (guards against re-entry from a synchronous answer). */
  private takingFrames = false
  /** When the partial request now buffered started arriving; undefined when none is. */
  private partialSince: number | undefined
  /** Last time bytes arrived or a response was written. */
  private lastActivity: number
  private drainWaiters: (() => void)[] = []
  /** `address:port` of the client. */
  readonly remote: string
  /** The client's address alone. */
  readonly remoteAddress: string
  /** The login state when authentication is on; undefined when it is off. */
  readonly sasl: SaslSession | undefined

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly dispatch: RequestDispatcher,
    private readonly options: ConnectionOptions,
  ) {
    this.remoteAddress = socket.remoteAddress ?? 'unknown'
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`
    this.splitter = new FrameSplitter(options.maxFrameBytes)
    this.clock = options.clock ?? systemClock
    this.deadline = new DeadlineTimer(this.clock, () => this.checkDeadlines())
    this.lastActivity = this.clock.now()
    this.sasl = options.authenticator?.newSession({
      remote: this.remote,
      address: this.remoteAddress,
      closeAfterResponses: () => this.closeAfterResponses(),
    })
    socket.setNoDelay(true)
    socket.on('data', (chunk) => this.onData(chunk))
    socket.on('drain', () => {
      this.writeBlocked = false
      this.updateFlow()
    })
    socket.on('error', () => this.destroy())
    socket.on('close', () => this.destroy())
    this.checkDeadlines()
  }

  get isClosed(): boolean {
    return this.closed
  }

  get inFlight(): number {
    return this.pending.length
  }

  private get loggedIn(): boolean {
    return this.sasl === undefined || this.sasl.authenticated
  }

  private onData(chunk: Buffer): void {
    if (this.closed || this.stopped) return
    this.lastActivity = this.clock.now()
    this.splitter.append(chunk)
    this.takeFrames()
  }

  /** Hands buffered frames to `handle` while reading is allowed; also called when reading resumes. */
  private takeFrames(): void {
    if (this.takingFrames) return
    this.takingFrames = true
    let took = false
    try {
      while (!this.closed && !this.stopped && !this.paused) {
        this.applyFrameLimits()
        let frame: Buffer | null
        try {
          frame = this.splitter.next()
        } catch (err) {
          this.fail(err)
          return
        }
        if (frame === null) break
        took = true
        this.handle(frame)
      }
    } finally {
      this.takingFrames = false
    }
    // the receive clock runs only while we read: a request we stopped reading is not the client's delay
    if (!this.closed && !this.stopped && !this.paused && this.splitter.midFrame) {
      if (took || this.partialSince === undefined) this.partialSince = this.clock.now()
    } else {
      this.partialSince = undefined
    }
    this.checkDeadlines()
  }

  /** Before the login only small frames are read; a raw SASL token has no request header. */
  private applyFrameLimits(): void {
    const sasl = this.sasl
    if (sasl === undefined || sasl.authenticated) {
      this.splitter.limit(this.options.maxFrameBytes, MIN_REQUEST_FRAME_BYTES)
    } else {
      this.splitter.limit(
        this.options.saslMaxReceiveBytes ?? CONNECTION_LIMIT_DEFAULTS.saslMaxReceiveBytes,
        sasl.expectsRawToken ? MIN_RAW_TOKEN_BYTES : MIN_REQUEST_FRAME_BYTES,
      )
    }
  }

  private handle(frame: Buffer): void {
    if (this.closed) return
    const entry: Pending = { done: false, response: null }
    this.pending.push(entry)
    this.updateFlow()
    let result: Promise<Buffer | null> | Buffer | null
    try {
      result = this.sasl?.expectsRawToken ? this.sasl.rawToken(frame) : this.dispatch(frame, this)
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
    this.lastActivity = this.clock.now()
    this.updateFlow()
    if (this.pending.length === 0) this.notifyDrained()
    this.checkDeadlines()
  }

  /**
   * Pauses reading while too many requests are unanswered or the client is not
   * reading its responses, so a slow or greedy client cannot grow our memory.
   * Before the login, requests are taken one at a time, as Kafka's SASL
   * authenticator reads them.
   */
  private updateFlow(): void {
    if (this.closed || this.stopped) return
    const limit = this.loggedIn ? this.options.maxInFlight : 1
    const over = this.pending.length >= limit || this.writeBlocked
    if (over && !this.paused) {
      this.paused = true
      this.partialSince = undefined
      this.socket.pause()
    } else if (!over && this.paused) {
      this.paused = false
      this.socket.resume()
      this.takeFrames()
    }
  }

  /** Closes when a partial request took too long, or when the connection sat idle too long. */
  private checkDeadlines(): void {
    if (this.closed) return
    const now = this.clock.now()
    const receiveMs = this.options.requestReceiveTimeoutMs ?? 0
    const idleMs = this.options.idleTimeoutMs ?? 0
    if (this.partialSince !== undefined) {
      if (receiveMs <= 0) return
      const due = this.partialSince + receiveMs
      if (now >= due) {
        this.fail(new Error(`a request was not completed within ${receiveMs} ms of its first byte`))
        return
      }
      this.deadline.armBy(due)
    } else if (this.pending.length === 0 && idleMs > 0) {
      // a request in flight (a parked long-poll fetch, say) is not idleness
      const due = this.lastActivity + idleMs
      if (now >= due) {
        this.options.logger.debug(`closing connection ${this.id} from ${this.remote}: idle for ${idleMs} ms`)
        this.destroy()
        return
      }
      this.deadline.armBy(due)
    }
  }

  private fail(err: unknown): void {
    if (this.closed) return
    const reason = err instanceof Error ? err.message : String(err)
    const line = `closing connection ${this.id} from ${this.remote}: ${reason}`
    if (this.options.closeLog) this.options.closeLog.log(line)
    else this.options.logger.warn(line)
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
    this.partialSince = undefined
    this.socket.pause()
    this.paused = true
    this.socket.removeAllListeners('data')
  }

  /**
   * Stops reading and closes once the answers owed are written (a failed
   * login: its answer goes out, then the connection ends).
   */
  closeAfterResponses(): void {
    if (this.closed || this.stopped) return
    this.stopReading()
    this.whenDrained().then(() => {
      if (this.closed) return
      this.closed = true
      this.deadline.cancel()
      // destroy once the answer is handed to the kernel: a client that never reads cannot keep the socket
      this.socket.end(() => this.socket.destroy())
    })
  }

  /** Graceful close: answer what was read, then end the socket. */
  async end(): Promise<void> {
    this.stopReading()
    await this.whenDrained()
    if (!this.closed) {
      this.closed = true
      this.deadline.cancel()
      // end() flushes what is queued; destroy() would discard it
      this.socket.end()
    }
  }

  /** Drops the connection now; also one that end() closed whose client never closed its side. */
  destroy(): void {
    if (!this.socket.destroyed) this.socket.destroy()
    if (this.closed) return
    this.closed = true
    this.deadline.cancel()
    this.pending.length = 0
    this.notifyDrained()
  }
}
