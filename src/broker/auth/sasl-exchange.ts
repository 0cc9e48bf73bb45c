import type { SaslMechanism } from './sasl-mechanism.js'

/** The server's answer to one client token. */
export interface SaslStep {
  /** Sent back to the client (SaslAuthenticate authBytes, or a raw token after SaslHandshake v0). */
  readonly token: Buffer
  /** True when this step authenticated the client. */
  readonly done: boolean
}

/**
 * The server side of one SASL mechanism for one login. `step` takes each
 * client token in turn and throws (or rejects with) a SaslFailure when the
 * login fails; after that, or after `done`, the exchange is over.
 */
export interface SaslExchange {
  readonly mechanism: SaslMechanism
  /** The user name the client gave, once a token carried it; for log lines only. */
  readonly user: string | undefined
  step(token: Buffer): SaslStep | Promise<SaslStep>
}
