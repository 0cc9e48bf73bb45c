import type { SaslClientExchange } from './sasl-options.js'

/** SASL PLAIN (RFC 4616): one token, `authzid NUL authcid NUL password`, with an empty authzid. */
export function plainExchange(username: string, password: string): SaslClientExchange {
  return {
    start: () => Buffer.from(`\0${username}\0${password}`, 'utf8'),
    next: () => null,
  }
}
