import { ErrorCode } from '../../protocol/error-codes.js'
import type { SaslExchange } from './sasl-exchange.js'
import { SaslFailure } from './sasl-failure.js'
import { isSaslMechanism, type SaslMechanism } from './sasl-mechanism.js'

/** What a log line says about a login. */
export interface LoginDetail {
  readonly mechanism?: SaslMechanism
  readonly user?: string
  readonly reason: string
}

/**
 * What a session needs of the listener's Authenticator (authenticator.ts),
 * which creates the sessions; declared here so the dependency runs one way.
 */
export interface SessionAuthority {
  readonly mechanisms: readonly SaslMechanism[]
  exchange(mechanism: SaslMechanism): SaslExchange
  succeeded(peer: SaslPeer, mechanism: SaslMechanism, user: string): void
  failed(peer: SaslPeer, detail: LoginDetail): void
  /** Resolves with `value` once the failure delay has passed. */
  delayFailure<T>(value: T): Promise<T>
}

/** The connection a session belongs to, as far as SASL needs it. */
export interface SaslPeer {
  /** `address:port`, for log lines. */
  readonly remote: string
  /** The address alone, for the per-address count of failed logins. */
  readonly address: string
  /** Stops reading the connection and closes it once the answers owed are written. */
  closeAfterResponses(): void
}

export interface HandshakeAnswer {
  errorCode: number
  mechanisms: string[]
}

export interface AuthenticateAnswer {
  errorCode: number
  errorMessage: string | null
  authBytes: Buffer
}

type State = 'handshake' | 'authenticating' | 'authenticated' | 'failed'

const EMPTY = Buffer.alloc(0)

/**
 * One connection's way through SASL, as Kafka's SaslServerAuthenticator walks
 * it: one SaslHandshake naming an enabled mechanism, then the mechanism's
 * tokens (PLAIN one, SCRAM two) until the login succeeds. Anything out of
 * turn, a second handshake, or a failed login ends the session: the answer
 * is sent after the failure delay and the connection closes. That bounds
 * the attempts a connection gets to one.
 *
 * A v1 handshake carries the tokens in SaslAuthenticate requests. A v0
 * handshake (Java's legacy flow, kafka-python's) means the next frames are
 * raw tokens outside Kafka framing, answered the same way.
 */
export class SaslSession {
  private state: State = 'handshake'
  private exchange: SaslExchange | undefined
  private legacy = false
  /** A token is being checked (PLAIN hashes off the event loop). */
  private busy = false
  /** The user this connection logged in as. */
  principal: string | undefined

  constructor(
    private readonly authenticator: SessionAuthority,
    private readonly peer: SaslPeer,
  ) {}

  get authenticated(): boolean {
    return this.state === 'authenticated'
  }

  /** True after a v0 SaslHandshake: the next frame is a raw SASL token, not a Kafka request. */
  get expectsRawToken(): boolean {
    return this.state === 'authenticating' && this.legacy
  }

  handshake(mechanism: string, version: number): HandshakeAnswer | Promise<HandshakeAnswer> {
    const mechanisms = [...this.authenticator.mechanisms]
    if (this.state !== 'handshake') {
      return this.fail(
        { reason: 'SaslHandshake out of turn' },
        { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms },
      )
    }
    if (!isSaslMechanism(mechanism) || !mechanisms.includes(mechanism)) {
      return this.fail(
        {
          reason: `mechanism ${JSON.stringify(mechanism.slice(0, 64))} is not enabled (${mechanisms.join(', ')})`,
        },
        { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms },
      )
    }
    this.exchange = this.authenticator.exchange(mechanism)
    this.legacy = version === 0
    this.state = 'authenticating'
    return { errorCode: ErrorCode.NONE, mechanisms }
  }

  /** One SaslAuthenticate request (after a v1 handshake). */
  async authenticate(token: Buffer): Promise<AuthenticateAnswer> {
    if (this.state !== 'authenticating' || this.legacy || this.busy) {
      const reason = this.legacy
        ? 'SaslAuthenticate after a v0 SaslHandshake'
        : 'SaslAuthenticate out of turn'
      return this.fail(
        { reason, mechanism: this.exchange?.mechanism },
        { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: reason, authBytes: EMPTY },
      )
    }
    try {
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: await this.step(token) }
    } catch (err) {
      const failure = asFailure(err)
      return this.fail(this.detail(failure.reason), {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: failure.clientMessage,
        authBytes: EMPTY,
      })
    }
  }

  /**
   * One raw token (after a v0 handshake); returns the raw answer with its
   * size prefix. A failed login gets no answer at all, only the close: the
   * legacy flow has no way to carry an error, and Kafka sends none.
   */
  async rawToken(token: Buffer): Promise<Buffer | null> {
    try {
      const answer = await this.step(token)
      const frame = Buffer.allocUnsafe(4 + answer.length)
      frame.writeInt32BE(answer.length, 0)
      answer.copy(frame, 4)
      return frame
    } catch (err) {
      return this.fail(this.detail(asFailure(err).reason), null)
    }
  }

  private async step(token: Buffer): Promise<Buffer> {
    const exchange = this.exchange!
    this.busy = true
    try {
      const step = await exchange.step(token)
      if (step.done) {
        this.state = 'authenticated'
        this.principal = exchange.user
        this.authenticator.succeeded(this.peer, exchange.mechanism, exchange.user ?? '')
      }
      return step.token
    } finally {
      this.busy = false
    }
  }

  private detail(reason: string): LoginDetail {
    return { reason, mechanism: this.exchange?.mechanism, user: this.exchange?.user }
  }

  private fail<T>(detail: LoginDetail, answer: T): Promise<T> {
    this.state = 'failed'
    this.peer.closeAfterResponses()
    this.authenticator.failed(this.peer, detail)
    return this.authenticator.delayFailure(answer)
  }
}

function asFailure(err: unknown): SaslFailure {
  if (err instanceof SaslFailure) return err
  // not a login problem but a fault of ours: the client gets the generic message, the log the cause
  const reason = `internal error: ${err instanceof Error ? err.message : String(err)}`
  return new SaslFailure('Authentication failed due to an internal error', reason)
}
