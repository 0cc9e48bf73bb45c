/** The SASL mechanisms the broker serves, by the names clients ask for in SaslHandshake. */
export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const

export type SaslMechanism = (typeof SASL_MECHANISMS)[number]

export type ScramMechanism = Exclude<SaslMechanism, 'PLAIN'>

export function isSaslMechanism(value: unknown): value is SaslMechanism {
  return typeof value === 'string' && (SASL_MECHANISMS as readonly string[]).includes(value)
}

export function isScramMechanism(mechanism: SaslMechanism): mechanism is ScramMechanism {
  return mechanism !== 'PLAIN'
}

/** The hash behind each SCRAM mechanism (RFC 7677 for SHA-256; SHA-512 as Kafka adds it). */
export const SCRAM_HASH: Record<ScramMechanism, 'sha256' | 'sha512'> = {
  'SCRAM-SHA-256': 'sha256',
  'SCRAM-SHA-512': 'sha512',
}

/**
 * Iteration bounds of SCRAM credentials. Kafka refuses to authenticate with
 * fewer than 4096 iterations (ScramMechanism.minIterations) and its
 * kafka-configs tool accepts at most 16384 (KIP-554).
 */
export const SCRAM_MIN_ITERATIONS = 4096
export const SCRAM_MAX_ITERATIONS = 16384
