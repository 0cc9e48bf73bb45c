import type { SaslMechanism } from './sasl-mechanism.js'

/**
 * A SASL exchange that failed. `clientMessage` goes back to the client in
 * SaslAuthenticate's errorMessage and must not tell whether the user exists;
 * `reason` is for the broker's log only (it never holds a password either).
 */
export class SaslFailure extends Error {
  override readonly name = 'SaslFailure'
  constructor(
    readonly clientMessage: string,
    readonly reason: string,
  ) {
    super(reason)
  }
}

/**
 * The message Kafka sends for every failure it does not describe on purpose
 * (SaslServerAuthenticator: "DO NOT include error message ... it may contain
 * sensitive data like the existence of the user").
 */
export function invalidCredentials(mechanism: SaslMechanism, reason: string): SaslFailure {
  return new SaslFailure(
    `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`,
    reason,
  )
}

/** Kafka's own wording when the authorization id of PLAIN or SCRAM names someone else. */
export function authzidMismatch(): SaslFailure {
  return new SaslFailure(
    'Authentication failed: Client requested an authorization id that is different from username',
    'the authorization id differs from the user name',
  )
}
