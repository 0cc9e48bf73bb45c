import type { MessageSpec } from '../schema.js'

/**
 * SaslHandshake (key 17), versions 0-1.
 * v0 is followed by raw, unframed SASL tokens on the socket; v1 has the same
 * body but tells the broker the client will wrap its tokens in
 * SaslAuthenticate requests instead. Never flexible: Kafka cannot bump this
 * API without breaking version negotiation of clients up to 2.4 (KAFKA-9577).
 */
export const SaslHandshakeRequest = {
  apiKey: 17,
  name: 'SaslHandshakeRequest',
  type: 'request',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    // Mechanism name the client wants, e.g. PLAIN or SCRAM-SHA-256.
    { name: 'mechanism', type: 'string', versions: '0+' },
  ],
} as const satisfies MessageSpec

export const SaslHandshakeResponse = {
  apiKey: 17,
  name: 'SaslHandshakeResponse',
  type: 'response',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    // Mechanisms the broker has enabled, so a client can retry with one of them.
    { name: 'mechanisms', type: '[]string', versions: '0+' },
  ],
} as const satisfies MessageSpec
