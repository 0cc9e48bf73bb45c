import { connect, type Socket } from 'node:net'
import { type ConnectionOptions as TlsConnectionOptions, connect as tlsConnect } from 'node:tls'
import type { ApiDefinition } from '../../../src/protocol/api.js'
import { FrameSplitter } from '../../../src/protocol/frame-splitter.js'
import { decodeResponse, encodeRequest } from '../../../src/protocol/frames.js'
import type { MessageInput, MessageOf } from '../../../src/protocol/schema.js'

interface Waiting {
  api: ApiDefinition
  version: number
  resolve: (body: any) => void
  reject: (err: Error) => void
}

/**
 * A minimal Kafka wire client for tests and benchmarks: sends typed requests
 * over one socket with pipelining and matches responses by correlation id.
 * It is not the Sluice client (that has retries, metadata, flow control).
 */
export class WireClient {
  /** Responses need only a correlation id: Heartbeat v0 answers are 6 bytes. */
  private readonly splitter = new FrameSplitter(1 << 30, 4)
  private readonly waiting = new Map<number, Waiting>()
  private nextCorrelationId = 1
  private closedError: Error | null = null

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      for (const frame of this.splitter.push(chunk)) this.onFrame(frame)
    })
    socket.on('close', () => this.failAll(new Error('connection closed')))
    socket.on('error', (err) => this.failAll(err))
  }

  /** Connects over plain TCP, or over TLS with `tls` (resolved once the handshake is done). */
  static connect(bootstrap: string, tls?: TlsConnectionOptions): Promise<WireClient> {
    const at = bootstrap.lastIndexOf(':')
    const host = bootstrap.slice(0, at)
    const port = Number(bootstrap.slice(at + 1))
    return new Promise((resolve, reject) => {
      const ready = () => {
        socket.off('error', reject)
        resolve(new WireClient(socket))
      }
      const socket = tls ? tlsConnect({ host, port, ...tls }, ready) : connect({ host, port }, ready)
      socket.once('error', reject)
    })
  }

  get closed(): boolean {
    return this.closedError !== null
  }

  send<A extends ApiDefinition>(
    api: A,
    version: number,
    body: MessageInput<A['request']>,
  ): Promise<MessageOf<A['response']>> {
    if (this.closedError) return Promise.reject(this.closedError)
    const correlationId = this.nextCorrelationId++
    const frame = encodeRequest(api, version, { correlationId, clientId: 'sluice-test' }, body)
    return new Promise((resolve, reject) => {
      this.waiting.set(correlationId, { api, version, resolve, reject })
      this.socket.write(frame)
    })
  }

  /** Sends a request that gets no response (Produce with acks=0). */
  sendOnly<A extends ApiDefinition>(api: A, version: number, body: MessageInput<A['request']>): void {
    this.socket.write(
      encodeRequest(api, version, { correlationId: this.nextCorrelationId++, clientId: 'sluice-test' }, body),
    )
  }

  /** Writes raw bytes (for malformed-input tests). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0)
    const w = this.waiting.get(correlationId)
    if (!w) return
    this.waiting.delete(correlationId)
    try {
      w.resolve(decodeResponse(w.api, w.version, frame).body)
    } catch (err) {
      w.reject(err as Error)
    }
  }

  private failAll(err: Error): void {
    this.closedError ??= err
    for (const w of this.waiting.values()) w.reject(err)
    this.waiting.clear()
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve()
      this.socket.once('close', () => resolve())
      this.socket.end()
    })
  }
}
