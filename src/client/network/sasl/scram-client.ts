import { randomBytes, timingSafeEqual } from 'node:crypto'
import { encodeSaslName } from '../../../protocol/sasl/sasl-name.js'
import {
  clientProof,
  type ScramHash,
  saltedPassword,
  scramKeys,
  serverSignature,
} from '../../../protocol/sasl/scram-formulas.js'
import type { SaslClientExchange } from './sasl-options.js'

/** Kafka refuses fewer (ScramMechanism's minimum); more than this would let a broker make us spin for minutes. */
const MIN_ITERATIONS = 4096
const MAX_ITERATIONS = 1_000_000
/** No channel binding, no authzid: the only GS2 header Kafka accepts. */
const GS2_HEADER = 'n,,'

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of message.split(',')) {
    if (part.length >= 2 && part[1] === '=') out.set(part[0], part.slice(2))
  }
  return out
}

/**
 * The client side of SCRAM (RFC 5802, RFC 7677) as Kafka runs it: client
 * first, server first (nonce, salt, iterations), client final with the proof,
 * server final whose signature proves the broker knows the password too.
 */
export function scramExchange(
  hash: Extract<ScramHash, 'sha256' | 'sha512'>,
  username: string,
  password: string,
  nonce: string = randomBytes(24).toString('base64'),
): SaslClientExchange {
  const clientFirstBare = `n=${encodeSaslName(username)},r=${nonce}`
  let expectedServerSignature: Buffer | undefined
  return {
    start: () => Buffer.from(GS2_HEADER + clientFirstBare, 'utf8'),
    next(serverToken) {
      const text = serverToken.toString('utf8')
      const attrs = attributes(text)
      if (expectedServerSignature === undefined) {
        const serverNonce = attrs.get('r')
        const salt = attrs.get('s')
        const iterations = Number(attrs.get('i'))
        if (attrs.has('e')) throw new Error(`the broker refused the login: ${attrs.get('e')}`)
        if (!serverNonce?.startsWith(nonce) || serverNonce === nonce) {
          throw new Error('the broker answered with a nonce that does not extend ours')
        }
        if (!salt) throw new Error('the broker sent no salt')
        if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
          throw new Error(
            `the broker asked for ${attrs.get('i')} iterations, outside ${MIN_ITERATIONS}-${MAX_ITERATIONS}`,
          )
        }
        const salted = saltedPassword(hash, password, Buffer.from(salt, 'base64'), iterations)
        const withoutProof = `c=${Buffer.from(GS2_HEADER).toString('base64')},r=${serverNonce}`
        const authMessage = `${clientFirstBare},${text},${withoutProof}`
        expectedServerSignature = serverSignature(hash, scramKeys(hash, salted).serverKey, authMessage)
        const proof = clientProof(hash, salted, authMessage).toString('base64')
        return Buffer.from(`${withoutProof},p=${proof}`, 'utf8')
      }
      if (attrs.has('e')) throw new Error(`the broker refused the login: ${attrs.get('e')}`)
      const signature = Buffer.from(attrs.get('v') ?? '', 'base64')
      if (
        signature.length !== expectedServerSignature.length ||
        !timingSafeEqual(signature, expectedServerSignature)
      ) {
        throw new Error('the broker could not prove it knows the password (server signature mismatch)')
      }
      return null
    },
  }
}
