import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto'

/**
 * The SCRAM computations of RFC 5802 section 3, for any hash, shared by the
 * broker (verifying proofs) and the client (making them). Kafka uses SHA-256
 * and SHA-512; SHA-1 is accepted here only so that the RFC 5802 test vectors
 * can check these formulas.
 *
 *   SaltedPassword  = Hi(password, salt, i)        (PBKDF2 with HMAC)
 *   ClientKey       = HMAC(SaltedPassword, "Client Key")
 *   StoredKey       = H(ClientKey)
 *   ServerKey       = HMAC(SaltedPassword, "Server Key")
 *   ClientSignature = HMAC(StoredKey, AuthMessage)
 *   ClientProof     = ClientKey XOR ClientSignature
 *   ServerSignature = HMAC(ServerKey, AuthMessage)
 */

export type ScramHash = 'sha1' | 'sha256' | 'sha512'

/** What the broker keeps of a SCRAM password: enough to verify a proof, not enough to make one. */
export interface ScramKeys {
  readonly storedKey: Buffer
  readonly serverKey: Buffer
}

const DIGEST_BYTES: Record<ScramHash, number> = { sha1: 20, sha256: 32, sha512: 64 }

export function digestBytes(hash: ScramHash): number {
  return DIGEST_BYTES[hash]
}

function hmac(hash: ScramHash, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(hash, key).update(data).digest()
}

/** Hi() of RFC 5802: PBKDF2 over the password's UTF-8 bytes (Kafka applies no SASLprep either). */
export function saltedPassword(hash: ScramHash, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, DIGEST_BYTES[hash], hash)
}

export function clientKey(hash: ScramHash, salted: Buffer): Buffer {
  return hmac(hash, salted, 'Client Key')
}

export function scramKeys(hash: ScramHash, salted: Buffer): ScramKeys {
  return {
    storedKey: createHash(hash).update(clientKey(hash, salted)).digest(),
    serverKey: hmac(hash, salted, 'Server Key'),
  }
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i]
  return out
}

/** The client's side: what a client that knows the password sends as `p=`. */
export function clientProof(hash: ScramHash, salted: Buffer, authMessage: string): Buffer {
  const key = clientKey(hash, salted)
  const storedKey = createHash(hash).update(key).digest()
  return xor(key, hmac(hash, storedKey, authMessage))
}

/**
 * The server's check: recovers ClientKey from the proof and compares its hash
 * with StoredKey in constant time.
 */
export function verifyClientProof(
  hash: ScramHash,
  storedKey: Buffer,
  authMessage: string,
  proof: Buffer,
): boolean {
  if (proof.length !== DIGEST_BYTES[hash] || storedKey.length !== DIGEST_BYTES[hash]) return false
  const recoveredClientKey = xor(proof, hmac(hash, storedKey, authMessage))
  return timingSafeEqual(createHash(hash).update(recoveredClientKey).digest(), storedKey)
}

export function serverSignature(hash: ScramHash, serverKey: Buffer, authMessage: string): Buffer {
  return hmac(hash, serverKey, authMessage)
}
