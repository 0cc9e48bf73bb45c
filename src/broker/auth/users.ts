import { BrokerConfigError } from '../config-error.js'
import {
  isSaslMechanism,
  SASL_MECHANISMS,
  type SaslMechanism,
  SCRAM_MAX_ITERATIONS,
  SCRAM_MIN_ITERATIONS,
} from './sasl-mechanism.js'

/** One user allowed to log in, as given in the `users` option or the `--users` file. */
export interface UserSpec {
  readonly name: string
  readonly password: string
  /** The one mechanism this user logs in with; list the user again for another. */
  readonly mechanism: SaslMechanism
  /** SCRAM only: PBKDF2 iterations of the stored credential, 4096-16384. Default 4096. */
  readonly iterations?: number
}

const KEYS = new Set(['name', 'password', 'mechanism', 'iterations'])

/**
 * Checks the `users` option (or the array of a users file) and returns it
 * typed. Errors name the exact key, e.g. `users[2].mechanism`, and never
 * echo a password.
 */
export function validateUsers(value: unknown, key = 'users'): UserSpec[] {
  if (!Array.isArray(value))
    throw new BrokerConfigError(key, 'must be an array of { name, password, mechanism }')
  if (value.length === 0) {
    throw new BrokerConfigError(key, 'must hold at least one user (leave it out to turn authentication off)')
  }
  const seen = new Set<string>()
  return value.map((entry, i) => {
    const at = `${key}[${i}]`
    const user = validateUser(entry, at)
    const id = `${user.mechanism}\0${user.name}`
    if (seen.has(id))
      throw new BrokerConfigError(`${at}.name`, `${user.name} is listed twice for ${user.mechanism}`)
    seen.add(id)
    return user
  })
}

function validateUser(entry: unknown, at: string): UserSpec {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new BrokerConfigError(at, 'must be an object { name, password, mechanism }')
  }
  const fields = entry as Record<string, unknown>
  for (const k of Object.keys(fields)) {
    if (!KEYS.has(k))
      throw new BrokerConfigError(
        `${at}.${k}`,
        'unknown key (expected name, password, mechanism, iterations)',
      )
  }
  const { name, password, mechanism, iterations } = fields
  // NUL separates the fields of a PLAIN token, so neither a name nor a password can hold one
  if (typeof name !== 'string' || name === '' || name.includes('\0')) {
    throw new BrokerConfigError(`${at}.name`, 'must be a non-empty string without NUL characters')
  }
  if (typeof password !== 'string' || password === '' || password.includes('\0')) {
    throw new BrokerConfigError(`${at}.password`, 'must be a non-empty string without NUL characters')
  }
  if (!isSaslMechanism(mechanism)) {
    throw new BrokerConfigError(
      `${at}.mechanism`,
      `must be one of ${SASL_MECHANISMS.join(', ')}, got ${JSON.stringify(mechanism) ?? String(mechanism)}`,
    )
  }
  if (iterations === undefined) return { name, password, mechanism }
  if (mechanism === 'PLAIN') throw new BrokerConfigError(`${at}.iterations`, 'applies to SCRAM users only')
  if (
    typeof iterations !== 'number' ||
    !Number.isInteger(iterations) ||
    iterations < SCRAM_MIN_ITERATIONS ||
    iterations > SCRAM_MAX_ITERATIONS
  ) {
    throw new BrokerConfigError(
      `${at}.iterations`,
      `must be an integer between ${SCRAM_MIN_ITERATIONS} and ${SCRAM_MAX_ITERATIONS}, got ${String(iterations)}`,
    )
  }
  return { name, password, mechanism, iterations }
}
