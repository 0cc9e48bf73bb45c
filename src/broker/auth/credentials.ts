import { createHmac, randomBytes, type ScryptOptions, scrypt, scryptSync, timingSafeEqual } from 'node:crypto'
import { type ScramKeys, saltedPassword, scramKeys } from '../../protocol/sasl/scram-formulas.js'
import {
  SASL_MECHANISMS,
  type SaslMechanism,
  SCRAM_HASH,
  SCRAM_MIN_ITERATIONS,
  type ScramMechanism,
} from './sasl-mechanism.js'
import type { UserSpec } from './users.js'

/** A SCRAM user as the broker keeps it (RFC 5802 section 5.1): never the password. */
export interface ScramCredential extends ScramKeys {
  readonly salt: Buffer
  readonly iterations: number
}

/** A PLAIN user as the broker keeps it: a salted scrypt hash of the password. */
export interface PlainCredential {
  readonly salt: Buffer
  readonly hash: Buffer
}

const SALT_BYTES = 32
const PLAIN_HASH_BYTES = 32
/**
 * scrypt's interactive-login cost (N=2^14, r=8): about 40 ms and 16 MiB per
 * check, on libuv's thread pool, so a stolen heap dump does not give up PLAIN
 * passwords cheaply. SCRAM users cost what SCRAM itself defines instead.
 */
const PLAIN_SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }

function plainHash(password: string, salt: Buffer): Buffer {
  return scryptSync(Buffer.from(password, 'utf8'), salt, PLAIN_HASH_BYTES, PLAIN_SCRYPT)
}

function plainHashAsync(password: Buffer, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, PLAIN_HASH_BYTES, PLAIN_SCRYPT, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

export function scramCredential(
  mechanism: ScramMechanism,
  password: string,
  iterations = SCRAM_MIN_ITERATIONS,
  salt: Buffer = randomBytes(SALT_BYTES),
): ScramCredential {
  const hash = SCRAM_HASH[mechanism]
  return { salt, iterations, ...scramKeys(hash, saltedPassword(hash, password, salt, iterations)) }
}

/**
 * The users the broker accepts, derived once at construction from the
 * `users` option. Only salts, iteration counts and derived keys are kept;
 * the option's clear passwords are not referenced from here.
 */
export class CredentialStore {
  private readonly plain = new Map<string, PlainCredential>()
  private readonly scram = new Map<ScramMechanism, Map<string, ScramCredential>>()
  /** A PLAIN credential no password matches, checked for unknown users so they cost as much as known ones. */
  private readonly decoy: PlainCredential = {
    salt: randomBytes(SALT_BYTES),
    hash: randomBytes(PLAIN_HASH_BYTES),
  }
  private readonly decoySecret = randomBytes(32)
  /** Decoys use the iteration count real users of the mechanism have, so the count gives nothing away. */
  private readonly decoyIterations = new Map<ScramMechanism, number>()
  /** Mechanisms with at least one user, in a fixed order: what SaslHandshake reports as enabled. */
  readonly mechanisms: readonly SaslMechanism[]

  constructor(users: readonly UserSpec[]) {
    for (const user of users) {
      if (user.mechanism === 'PLAIN') {
        const salt = randomBytes(SALT_BYTES)
        this.plain.set(user.name, { salt, hash: plainHash(user.password, salt) })
      } else {
        const byName = this.scram.get(user.mechanism) ?? new Map<string, ScramCredential>()
        this.scram.set(user.mechanism, byName)
        byName.set(user.name, scramCredential(user.mechanism, user.password, user.iterations))
        if (!this.decoyIterations.has(user.mechanism)) {
          this.decoyIterations.set(user.mechanism, user.iterations ?? SCRAM_MIN_ITERATIONS)
        }
      }
    }
    this.mechanisms = SASL_MECHANISMS.filter((m) => (m === 'PLAIN' ? this.plain.size > 0 : this.scram.has(m)))
  }

  /** Number of user entries, for the startup log line. */
  get size(): number {
    let n = this.plain.size
    for (const byName of this.scram.values()) n += byName.size
    return n
  }

  scramCredential(mechanism: ScramMechanism, name: string): ScramCredential | undefined {
    return this.scram.get(mechanism)?.get(name)
  }

  /**
   * Checks a PLAIN login. An unknown name is hashed against a decoy, so that
   * timing does not tell which names exist; the outcome tells it only to the
   * broker's log.
   */
  async verifyPlain(name: string, password: Buffer): Promise<'ok' | 'wrong password' | 'unknown user'> {
    const known = this.plain.get(name)
    const credential = known ?? this.decoy
    const hash = await plainHashAsync(password, credential.salt)
    if (known === undefined) return 'unknown user'
    return timingSafeEqual(hash, credential.hash) ? 'ok' : 'wrong password'
  }

  /**
   * What a SCRAM login for an unknown name is answered with: a salt that is
   * the same on every attempt for that name (so that asking twice does not
   * reveal it is made up) and keys no proof matches. The login then fails at
   * the client's final message, exactly where a wrong password fails.
   */
  scramDecoy(mechanism: ScramMechanism, name: string): ScramCredential {
    const digest = createHmac('sha256', this.decoySecret).update(`${mechanism}\0${name}`).digest()
    const keyBytes = mechanism === 'SCRAM-SHA-256' ? 32 : 64
    return {
      salt: digest,
      iterations: this.decoyIterations.get(mechanism) ?? SCRAM_MIN_ITERATIONS,
      storedKey: randomBytes(keyBytes),
      serverKey: randomBytes(keyBytes),
    }
  }
}
