/** The SASL mechanisms the client can log in with, in Kafka's spelling. */
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const

export type SaslMechanismName = (typeof SASL_MECHANISMS)[number]

/** `sasl` option: the mechanism (any case: `scram-sha-256` works too), user name and password. */
export interface SaslOptions {
  mechanism: SaslMechanismName | Lowercase<SaslMechanismName>
  username: string
  password: string
}

/** What the SASL login of one connection needs, after validation. */
export interface ResolvedSasl {
  readonly mechanism: SaslMechanismName
  readonly username: string
  readonly password: string
}

/**
 * One login, seen from the client: the first token, then the answer to each
 * server token, until `next` returns null (done). Throws a message string's
 * Error when the server's token is unacceptable.
 */
export interface SaslClientExchange {
  start(): Buffer
  next(serverToken: Buffer): Buffer | null
}
