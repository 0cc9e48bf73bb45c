import type { CredentialStore } from './credentials.js'
import type { SaslExchange, SaslStep } from './sasl-exchange.js'
import { authzidMismatch, invalidCredentials, SaslFailure } from './sasl-failure.js'
import { decodeToken } from './scram-messages.js'

/**
 * SASL/PLAIN (RFC 4616): one token `[authzid] NUL authcid NUL passwd`, one
 * empty answer. As in Kafka, a wrong password and an unknown user get the
 * same message, and an authorization id must be empty or the user's own name.
 */
export class PlainExchange implements SaslExchange {
  readonly mechanism = 'PLAIN'
  user: string | undefined
  private used = false

  constructor(private readonly store: CredentialStore) {}

  async step(token: Buffer): Promise<SaslStep> {
    if (this.used) throw invalidCredentials('PLAIN', 'a second PLAIN token')
    this.used = true
    try {
      const first = token.indexOf(0)
      const second = first < 0 ? -1 : token.indexOf(0, first + 1)
      if (second < 0 || token.indexOf(0, second + 1) >= 0) {
        throw invalidCredentials('PLAIN', 'malformed PLAIN token: expected authzid NUL user NUL password')
      }
      const authzid = decodeToken(token.subarray(0, first))
      const username = decodeToken(token.subarray(first + 1, second))
      const password = token.subarray(second + 1)
      if (authzid === null || username === null) throw invalidCredentials('PLAIN', 'PLAIN token is not UTF-8')
      if (username === '') throw invalidCredentials('PLAIN', 'no user name given')
      this.user = username
      if (password.length === 0) throw invalidCredentials('PLAIN', 'no password given')
      const outcome = await this.store.verifyPlain(username, password)
      if (outcome !== 'ok') {
        throw new SaslFailure('Authentication failed: Invalid username or password', outcome)
      }
      if (authzid !== '' && authzid !== username) throw authzidMismatch()
      return { token: Buffer.alloc(0), done: true }
    } finally {
      // the frame held the clear password; nothing reads it after this
      token.fill(0)
    }
  }
}
