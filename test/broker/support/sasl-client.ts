import { connect, type Socket } from 'node:net'
import type { Logger } from '../../../src/broker/logger.js'
import type { ApiDefinition } from '../../../src/protocol/api.js'
import { decodeResponse, encodeRequest } from '../../../src/protocol/frames.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { encodeSaslName } from '../../../src/protocol/sasl/sasl-name.js'
import {
  clientProof,
  saltedPassword,
  scramKeys,
  serverSignature,
} from '../../../src/protocol/sasl/scram-formulas.js'
import type { MessageInput, MessageOf } from '../../../src/protocol/schema.js'
import type { WireClient } from './wire-client.js'

/**
 * The client side of SASL for broker tests: SCRAM and PLAIN tokens, a login
 * over SaslHandshake v1 + SaslAuthenticate, a raw socket for the legacy v0
 * flow, and a logger that keeps its lines.
 */

/** A SCRAM client as librdkafka or kafkajs runs it, computing proofs from the password. */
export class ScramClient {
  readonly nonce = 'clientNonce0123456789'
  private bare = ''
  private salted: Buffer = Buffer.alloc(0)
  private message = ''

  constructor(
    private readonly hash: 'sha256' | 'sha512',
    private readonly user: string,
    private readonly password: string,
    private readonly gs2 = 'n,,',
  ) {}

  static for(mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512', user: string, password: string): ScramClient {
    return new ScramClient(mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512', user, password)
  }

  first(): Buffer {
    this.bare = `n=${encodeSaslName(this.user)},r=${this.nonce}`
    return Buffer.from(this.gs2 + this.bare)
  }

  /** The final message for a server-first message; `nonceOverride` lets a test send another nonce. */
  final(serverFirst: Buffer, nonceOverride?: (nonce: string) => string): Buffer {
    const text = serverFirst.toString()
    const attrs = new Map(text.split(',').map((p) => [p[0], p.slice(2)]))
    const nonce = nonceOverride ? nonceOverride(attrs.get('r')!) : attrs.get('r')!
    const salt = Buffer.from(attrs.get('s')!, 'base64')
    this.salted = saltedPassword(this.hash, this.password, salt, Number(attrs.get('i')))
    const withoutProof = `c=${Buffer.from(this.gs2).toString('base64')},r=${nonce}`
    this.message = `${this.bare},${text},${withoutProof}`
    const proof = clientProof(this.hash, this.salted, this.message).toString('base64')
    return Buffer.from(`${withoutProof},p=${proof}`)
  }

  /** The server-final message a server that knows the password must send. */
  expectedServerFinal(): string {
    const { serverKey } = scramKeys(this.hash, this.salted)
    return `v=${serverSignature(this.hash, serverKey, this.message).toString('base64')}`
  }
}

export function plainToken(user: string, password: string, authzid = ''): Buffer {
  return Buffer.from(`${authzid}\0${user}\0${password}`, 'utf8')
}

export type Mechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

type AuthenticateResponse = MessageOf<(typeof Apis.SaslAuthenticate)['response']>

/**
 * Logs in over SaslHandshake v1 and SaslAuthenticate (v2 unless told), as
 * librdkafka and kafkajs do. Returns the last SaslAuthenticate answer: on
 * success its errorCode is 0 (and for SCRAM the server signature is checked).
 */
export async function saslLogin(
  client: WireClient,
  mechanism: Mechanism,
  user: string,
  password: string,
  authenticateVersion = 2,
): Promise<AuthenticateResponse> {
  const handshake = await client.send(Apis.SaslHandshake, 1, { mechanism })
  if (handshake.errorCode !== 0) throw new Error(`SaslHandshake failed with ${handshake.errorCode}`)
  if (mechanism === 'PLAIN') {
    return client.send(Apis.SaslAuthenticate, authenticateVersion, { authBytes: plainToken(user, password) })
  }
  const scram = ScramClient.for(mechanism, user, password)
  const first = await client.send(Apis.SaslAuthenticate, authenticateVersion, { authBytes: scram.first() })
  if (first.errorCode !== 0) return first
  const final = await client.send(Apis.SaslAuthenticate, authenticateVersion, {
    authBytes: scram.final(first.authBytes),
  })
  if (final.errorCode === 0 && final.authBytes.toString() !== scram.expectedServerFinal()) {
    throw new Error(`wrong server signature: ${final.authBytes.toString()}`)
  }
  return final
}

/**
 * A socket for the legacy flow (SaslHandshake v0, then raw size-prefixed
 * tokens): it sends Kafka requests and raw tokens and reads size-prefixed
 * frames, empty ones included.
 */
export class RawSaslSocket {
  private buffered = Buffer.alloc(0)
  private waiting: ((frame: Buffer) => void) | undefined
  private closeWaiters: (() => void)[] = []
  closed = false
  private nextCorrelationId = 1

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk])
      this.deliver()
    })
    socket.on('close', () => {
      this.closed = true
      for (const w of this.closeWaiters.splice(0)) w()
    })
    socket.on('error', () => {})
  }

  static connect(bootstrap: string): Promise<RawSaslSocket> {
    const at = bootstrap.lastIndexOf(':')
    return new Promise((resolve, reject) => {
      const socket = connect({ host: bootstrap.slice(0, at), port: Number(bootstrap.slice(at + 1)) }, () => {
        socket.off('error', reject)
        resolve(new RawSaslSocket(socket))
      })
      socket.once('error', reject)
    })
  }

  private deliver(): void {
    if (!this.waiting || this.buffered.length < 4) return
    const size = this.buffered.readInt32BE(0)
    if (this.buffered.length < 4 + size) return
    const frame = this.buffered.subarray(4, 4 + size)
    this.buffered = this.buffered.subarray(4 + size)
    const w = this.waiting
    this.waiting = undefined
    w(frame)
  }

  /** The next size-prefixed frame, or a rejection when the connection closes first. */
  readFrame(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve
      this.whenClosed().then(() => reject(new Error('connection closed')))
      this.deliver()
    })
  }

  async request<A extends ApiDefinition>(
    api: A,
    version: number,
    body: MessageInput<A['request']>,
  ): Promise<MessageOf<A['response']>> {
    this.socket.write(
      encodeRequest(api, version, { correlationId: this.nextCorrelationId++, clientId: 'raw' }, body),
    )
    return decodeResponse(api, version, await this.readFrame()).body
  }

  /** Sends one raw token with its 4-byte size and returns the raw answer. */
  async token(bytes: Buffer): Promise<Buffer> {
    const size = Buffer.alloc(4)
    size.writeInt32BE(bytes.length)
    this.socket.write(Buffer.concat([size, bytes]))
    return this.readFrame()
  }

  whenClosed(): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => this.closeWaiters.push(resolve))
  }

  close(): void {
    this.socket.destroy()
  }
}

/** A logger that keeps every line, for checking what the broker logged. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const keep = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`)
  }
  return { lines, debug: keep('DEBUG'), info: keep('INFO'), warn: keep('WARN'), error: keep('ERROR') }
}

/** Resolves once the client's socket has closed. */
export function closed(client: WireClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.socket.destroyed) return resolve()
    client.socket.once('close', () => resolve())
  })
}
