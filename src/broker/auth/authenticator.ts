import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import type { CredentialStore } from './credentials.js'
import { PlainExchange } from './plain-exchange.js'
import type { SaslExchange } from './sasl-exchange.js'
import type { SaslMechanism } from './sasl-mechanism.js'
import { type LoginDetail, type SaslPeer, SaslSession, type SessionAuthority } from './sasl-session.js'
import { ScramExchange } from './scram-exchange.js'

export interface AuthenticatorOptions {
  readonly credentials: CredentialStore
  /** How long a failed login waits before its answer and the close (`connection.failed.authentication.delay.ms`). */
  readonly failureDelayMs: number
  readonly clock: Clock
  readonly logger: Logger
  /** Told the remote address of every failed login (the per-address lockout counts them). */
  readonly onFailure?: (address: string) => void
}

/** A user name as a log line quotes it: escaped and cut short, since the client chose it. */
function quoted(user: string | undefined): string {
  if (user === undefined) return '(no user)'
  return JSON.stringify(user.length > 100 ? `${user.slice(0, 100)}...` : user)
}

/**
 * SASL for one listener: the users, the mechanisms they enable, one
 * SaslSession per connection, and the log lines and failure delay every
 * session shares. Passwords never reach a log line: only the user name, the
 * mechanism, the client's address and why the login failed.
 */
export class Authenticator implements SessionAuthority {
  constructor(private readonly options: AuthenticatorOptions) {}

  get mechanisms(): readonly SaslMechanism[] {
    return this.options.credentials.mechanisms
  }

  newSession(peer: SaslPeer): SaslSession {
    return new SaslSession(this, peer)
  }

  exchange(mechanism: SaslMechanism): SaslExchange {
    return mechanism === 'PLAIN'
      ? new PlainExchange(this.options.credentials)
      : new ScramExchange(mechanism, this.options.credentials)
  }

  succeeded(peer: SaslPeer, mechanism: SaslMechanism, user: string): void {
    this.options.logger.debug(`${peer.remote} authenticated as ${quoted(user)} with ${mechanism}`)
  }

  failed(peer: SaslPeer, detail: LoginDetail): void {
    const how = detail.mechanism ? ` with ${detail.mechanism}` : ''
    this.options.logger.warn(
      `authentication failed for user ${quoted(detail.user)}${how} from ${peer.remote}: ${detail.reason}`,
    )
    this.options.onFailure?.(peer.address)
  }

  /** Resolves with `value` after the failure delay, as Kafka delays the answer to a failed login. */
  delayFailure<T>(value: T): Promise<T> {
    if (this.options.failureDelayMs === 0) return Promise.resolve(value)
    return new Promise((resolve) =>
      this.options.clock.setTimeout(() => resolve(value), this.options.failureDelayMs),
    )
  }
}
