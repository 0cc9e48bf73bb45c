import type { Duplex } from 'node:stream'
import { type Clock, systemClock, type TimerHandle } from '../../flow/clock.js'
import type { ApiDefinition } from '../../protocol/api.js'
import { FrameSplitter } from '../../protocol/frame-splitter.js'
import { decodeResponse, encodeRequest, encodeRequestParts } from '../../protocol/frames.js'
import { ProtocolError } from '../../protocol/protocol-error.js'
import type { MessageInput, MessageOf } from '../../protocol/schema.js'
import { ClientClosedError, ConnectionError, RequestTimeoutError } from '../errors.js'
import type { ApiVersionTable } from './api-version-table.js'
import { tlsFailure } from './dial.js'

/** Settings of one connection, resolved from the client options. */
export interface ConnectionSettings {
  /** `host:port`, for errors and logs. */
  readonly address: string
  readonly clientId: string
  /** Requests written and not yet answered; more wait in a queue until one is answered. */
  readonly maxInFlight: number
  /** Largest response accepted; a larger size prefix closes the connection before anything is buffered. */
  readonly maxResponseBytes: number
  /** Default time a request may take from the call to its answer. */
  readonly requestTimeoutMs: number
  readonly clock?: Clock
}

export interface RequestOptions<T> {
  /** API version to send; default the highest both sides support (after the handshake). */
  version?: number
  /** Overrides the connection's request timeout, e.g. for a long-poll fetch. */
  timeoutMs?: number
  /** False for requests the broker never answers (Produce with acks 0): resolves once written. */
  expectResponse?: boolean
  /** Reads the frame instead of the schema's decoder (ApiVersions answers old clients in v0). */
  decode?: (frame: Buffer, version: number) => T
  /** Writes large byte fields (record batches) to the socket as they are, not copied into the frame. */
  gather?: boolean
}

interface Pending {
  readonly correlationId: number
  readonly api: string
  readonly frame: Buffer | Buffer[]
  readonly expectResponse: boolean
  readonly timeoutMs: number
  readonly decode: (frame: Buffer) => unknown
  readonly resolve: (value: any) => void
  readonly reject: (error: Error) => void
  timer: TimerHandle | undefined
}

const MAX_CORRELATION_ID = 0x7fffffff

/**
 * One TCP or TLS connection to a broker, carrying pipelined requests.
 *
 * Kafka answers the requests of a connection in the order they were sent,
 * so answers are matched against the oldest unanswered request: a response
 * whose correlation id is not that one means the stream is out of step, and
 * the connection is closed (the Java client does the same). Bounds:
 * `maxInFlight` written and unanswered, the rest queued in order; a write
 * that the socket refuses (`write()` false) stops writing until `drain`;
 * every response size is checked before its bytes are buffered; every request
 * has a timeout, and a request that times out once written closes the
 * connection, because a broker that does not answer one request will not
 * answer those behind it either.
 */
export class BrokerConnection {
  readonly address: string
  /** Set by the handshake once ApiVersions has answered. */
  versions: ApiVersionTable | undefined
  /** When a byte last went out or came in, on the connection's clock; the pool closes idle connections. */
  lastActivityAt: number

  private readonly settings: ConnectionSettings
  private readonly clock: Clock
  private readonly splitter: FrameSplitter
  private readonly inFlight: Pending[] = []
  private readonly queued: Pending[] = []
  private nextCorrelationId = 0
  private waitingForDrain = false
  private closedWith: Error | undefined
  private closing = false
  private readonly closeListeners: ((error: Error) => void)[] = []
  private idleWaiters: (() => void)[] = []

  constructor(
    private readonly socket: Duplex,
    settings: ConnectionSettings,
  ) {
    this.settings = settings
    this.address = settings.address
    this.clock = settings.clock ?? systemClock
    this.lastActivityAt = this.clock.now()
    // 4 bytes: a response is at least its correlation id (Heartbeat v0's body is 2 more)
    this.splitter = new FrameSplitter(settings.maxResponseBytes, 4)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('drain', () => {
      this.waitingForDrain = false
      this.pump()
    })
    socket.on('error', (error) =>
      // a TLS alert after the handshake (a client certificate refused, with TLS 1.3) is not worth retrying
      this.destroy(
        tlsFailure(error, this.address) ??
          new ConnectionError(`connection failed: ${error.message}`, this.address, { cause: error }),
      ),
    )
    socket.on('end', () => this.destroy(new ConnectionError('connection closed by the broker', this.address)))
    socket.on('close', () => this.destroy(new ConnectionError('connection closed', this.address)))
  }

  /** False once closed or closing: new requests are refused. */
  get isOpen(): boolean {
    return this.closedWith === undefined && !this.closing
  }

  /** Requests written and not yet answered. */
  get inFlightCount(): number {
    return this.inFlight.length
  }

  /** Requests waiting for a free in-flight slot or for the socket to drain. */
  get queuedCount(): number {
    return this.queued.length
  }

  /** Calls `listener` once, with the reason, when the connection closes for any reason. */
  onClose(listener: (error: Error) => void): void {
    if (this.closedWith) listener(this.closedWith)
    else this.closeListeners.push(listener)
  }

  /**
   * Sends a request and resolves with the decoded response body. Rejects with
   * RequestTimeoutError, ConnectionError (closed before an answer),
   * ProtocolError (a response that does not decode: the connection closes),
   * or whatever the encoder throws for a body that does not fit the schema.
   */
  request<A extends ApiDefinition, T = MessageOf<A['response']>>(
    api: A,
    body: MessageInput<A['request']>,
    options: RequestOptions<T> = {},
  ): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith)
    if (this.closing) return Promise.reject(new ClientClosedError(`connection to ${this.address}`))
    const version = options.version ?? this.negotiated(api)
    const correlationId = this.nextCorrelationId
    this.nextCorrelationId = correlationId === MAX_CORRELATION_ID ? 0 : correlationId + 1
    const header = { correlationId, clientId: this.settings.clientId }
    const frame = options.gather
      ? encodeRequestParts(api, version, header, body)
      : encodeRequest(api, version, header, body)
    const decode = options.decode
      ? (f: Buffer) => options.decode!(f, version)
      : (f: Buffer) => decodeResponse(api, version, f).body
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        correlationId,
        api: `${api.name} v${version}`,
        frame,
        expectResponse: options.expectResponse ?? true,
        timeoutMs: options.timeoutMs ?? this.settings.requestTimeoutMs,
        decode,
        resolve,
        reject,
        timer: undefined,
      }
      pending.timer = this.clock.setTimeout(() => this.onTimeout(pending), pending.timeoutMs)
      this.queued.push(pending)
      this.pump()
    })
  }

  /**
   * Stops taking requests, lets those already sent or queued finish for at
   * most `graceMs`, then closes the socket. Resolves once it is closed.
   */
  async close(graceMs = 0): Promise<void> {
    if (this.closedWith) return
    this.closing = true
    if (this.inFlight.length + this.queued.length > 0 && graceMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = this.clock.setTimeout(resolve, graceMs)
        this.idleWaiters.push(() => {
          this.clock.clearTimeout(timer)
          resolve()
        })
      })
    }
    this.destroy(new ClientClosedError(`connection to ${this.address}`))
  }

  /** Closes at once: every request not yet answered rejects with `error`. */
  destroy(error: Error): void {
    if (this.closedWith) return
    this.closedWith = error
    const unanswered = [...this.inFlight.splice(0), ...this.queued.splice(0)]
    for (const pending of unanswered) {
      this.clock.clearTimeout(pending.timer)
      pending.reject(error)
    }
    this.socket.destroy()
    this.notifyIdle()
    for (const listener of this.closeListeners.splice(0)) listener(error)
  }

  private negotiated(api: ApiDefinition): number {
    if (!this.versions) throw new Error(`${api.name} sent to ${this.address} before ApiVersions answered`)
    return this.versions.version(api)
  }

  /** Writes queued requests while there is a free slot and the socket takes more. */
  private pump(): void {
    while (
      !this.closedWith &&
      !this.waitingForDrain &&
      this.queued.length > 0 &&
      this.inFlight.length < this.settings.maxInFlight
    ) {
      const pending = this.queued.shift()!
      this.lastActivityAt = this.clock.now()
      const written = pending.expectResponse
        ? undefined
        : (error?: Error | null) => {
            this.clock.clearTimeout(pending.timer)
            if (error) pending.reject(new ConnectionError(`write failed: ${error.message}`, this.address))
            else pending.resolve(undefined)
          }
      if (pending.expectResponse) this.inFlight.push(pending)
      this.waitingForDrain = !this.write(pending.frame, written)
    }
  }

  /** Writes a frame, or a frame's parts in order through one corked (writev) write. */
  private write(frame: Buffer | Buffer[], written?: (error?: Error | null) => void): boolean {
    if (Buffer.isBuffer(frame)) return this.socket.write(frame, written)
    this.socket.cork()
    let ok = true
    for (let i = 0; i < frame.length; i++) {
      ok = this.socket.write(frame[i], i === frame.length - 1 ? written : undefined)
    }
    this.socket.uncork()
    return ok
  }

  private onData(chunk: Buffer): void {
    this.lastActivityAt = this.clock.now()
    let frames: Buffer[]
    try {
      frames = this.splitter.push(chunk)
    } catch (error) {
      this.destroy(this.protocolError(error))
      return
    }
    for (const frame of frames) {
      if (this.closedWith) return
      this.onFrame(frame)
    }
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0)
    const pending = this.inFlight[0]
    if (!pending || pending.correlationId !== correlationId) {
      const expected = pending ? `correlation id ${pending.correlationId}` : 'no response'
      this.destroy(
        this.protocolError(
          new ProtocolError(`response with correlation id ${correlationId}, expected ${expected}`),
        ),
      )
      return
    }
    this.inFlight.shift()
    this.clock.clearTimeout(pending.timer)
    let body: unknown
    try {
      body = pending.decode(frame)
    } catch (error) {
      pending.reject(this.protocolError(error, pending.api))
      this.destroy(new ConnectionError(`closed after a malformed ${pending.api} response`, this.address))
      return
    }
    pending.resolve(body)
    if (this.inFlight.length + this.queued.length === 0) this.notifyIdle()
    this.pump()
  }

  private onTimeout(pending: Pending): void {
    const error = new RequestTimeoutError(pending.api, this.address, pending.timeoutMs)
    const waiting = this.queued.indexOf(pending)
    if (waiting >= 0) {
      // never written: the connection is not at fault
      this.queued.splice(waiting, 1)
      pending.reject(error)
      return
    }
    if (!this.inFlight.includes(pending)) return
    this.inFlight.splice(this.inFlight.indexOf(pending), 1)
    pending.reject(error)
    this.destroy(new ConnectionError(`closed after ${pending.api} timed out`, this.address, { cause: error }))
  }

  private protocolError(error: unknown, api?: string): Error {
    const message = error instanceof Error ? error.message : String(error)
    return new ProtocolError(`${this.address}: ${api ? `malformed ${api} response: ` : ''}${message}`)
  }

  private notifyIdle(): void {
    for (const waiter of this.idleWaiters.splice(0)) waiter()
  }
}
