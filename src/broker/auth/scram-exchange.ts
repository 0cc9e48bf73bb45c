import { randomBytes } from 'node:crypto'
import { serverSignature, verifyClientProof } from '../../protocol/sasl/scram-formulas.js'
import type { ScramCredential } from './credentials.js'
import type { SaslExchange, SaslStep } from './sasl-exchange.js'
import { authzidMismatch, invalidCredentials } from './sasl-failure.js'
import { SCRAM_HASH, SCRAM_MIN_ITERATIONS, type ScramMechanism } from './sasl-mechanism.js'
import {
  type ClientFirstMessage,
  decodeToken,
  formatServerFinal,
  formatServerFirst,
  parseClientFinal,
  parseClientFirst,
} from './scram-messages.js'

/** Where a SCRAM exchange finds the user: a real credential, or a decoy for a name that does not exist. */
export interface ScramCredentialSource {
  scramCredential(mechanism: ScramMechanism, name: string): ScramCredential | undefined
  scramDecoy(mechanism: ScramMechanism, name: string): ScramCredential
}

/** A fresh server nonce: 24 random bytes as base64url, printable and free of commas. */
export function randomNonce(): string {
  return randomBytes(24).toString('base64url')
}

/**
 * SCRAM-SHA-256 / SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka's broker runs
 * it: client-first -> server-first (`r=,s=,i=`), client-final -> server-final
 * (`v=`). Kafka never sends `e=`: a failed login is a SASL_AUTHENTICATION_FAILED
 * answer with its generic message, and so it is here.
 *
 * Unlike Kafka, an unknown user is not refused at the first message: it gets
 * a decoy salt and fails at the final one, like a wrong password, so the
 * exchange does not reveal which names exist.
 */
export class ScramExchange implements SaslExchange {
  user: string | undefined
  private first: ClientFirstMessage | undefined
  private serverFirst = ''
  /** The client's nonce followed by ours: what the final message must repeat. */
  private nonce = ''
  private credential: ScramCredential | undefined
  private known = false
  private finished = false

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly credentials: ScramCredentialSource,
    private readonly newNonce: () => string = randomNonce,
  ) {}

  step(token: Buffer): SaslStep {
    if (this.finished) throw invalidCredentials(this.mechanism, 'a token after the SCRAM exchange ended')
    try {
      return this.first === undefined ? this.clientFirst(token) : this.clientFinal(token)
    } catch (err) {
      this.finished = true
      throw err
    }
  }

  private clientFirst(token: Buffer): SaslStep {
    const text = decodeToken(token)
    const first = text === null ? null : parseClientFirst(text)
    if (first === null) throw invalidCredentials(this.mechanism, 'malformed SCRAM client-first message')
    this.user = first.username
    // checked before the user is looked up, so the answer does not depend on whether the user exists
    if (first.authzid !== '' && first.authzid !== first.username) throw authzidMismatch()
    // KIP-48 delegation tokens log in through SCRAM with this extension; the broker issues none
    if (first.extensions.get('tokenauth')?.toLowerCase() === 'true') {
      throw invalidCredentials(this.mechanism, 'delegation token login (tokenauth) is not supported')
    }
    const credential = this.credentials.scramCredential(this.mechanism, first.username)
    this.known = credential !== undefined
    this.credential = credential ?? this.credentials.scramDecoy(this.mechanism, first.username)
    if (this.credential.iterations < SCRAM_MIN_ITERATIONS) {
      throw invalidCredentials(this.mechanism, `credential has fewer than ${SCRAM_MIN_ITERATIONS} iterations`)
    }
    this.first = first
    this.nonce = first.nonce + this.newNonce()
    this.serverFirst = formatServerFirst(this.nonce, this.credential.salt, this.credential.iterations)
    return { token: Buffer.from(this.serverFirst, 'utf8'), done: false }
  }

  private clientFinal(token: Buffer): SaslStep {
    this.finished = true
    const first = this.first!
    const credential = this.credential!
    const text = decodeToken(token)
    const final = text === null ? null : parseClientFinal(text)
    if (final === null) throw invalidCredentials(this.mechanism, 'malformed SCRAM client-final message')
    // no channel binding: c= must repeat the GS2 header of the first message
    if (!final.channelBinding.equals(Buffer.from(first.gs2Header, 'utf8'))) {
      throw invalidCredentials(this.mechanism, 'channel binding does not repeat the GS2 header')
    }
    // RFC 5802 wants the nonce of server-first repeated; librdkafka before 2.6.1 puts its own nonce in
    // front once more, which Kafka 3.8.1-3.9 accepts (it checks endsWith) and so do we, nothing else
    if (final.nonce !== this.nonce && final.nonce !== first.nonce + this.nonce) {
      throw invalidCredentials(this.mechanism, 'the final message does not repeat the server nonce')
    }
    const authMessage = `${first.bare},${this.serverFirst},${final.withoutProof}`
    const hash = SCRAM_HASH[this.mechanism]
    const valid = verifyClientProof(hash, credential.storedKey, authMessage, final.proof)
    if (!this.known) throw invalidCredentials(this.mechanism, 'unknown user')
    if (!valid) throw invalidCredentials(this.mechanism, 'wrong password')
    const signature = serverSignature(hash, credential.serverKey, authMessage)
    return { token: Buffer.from(formatServerFinal(signature), 'utf8'), done: true }
  }
}
