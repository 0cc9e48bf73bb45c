import type { MessageSpec } from '../schema.js'

/**
 * SaslAuthenticate (key 36), versions 0-2.
 * Carries one SASL token each way inside a normal Kafka frame (after a v1
 * SaslHandshake). v1 adds the session lifetime to the response (KIP-368,
 * re-authentication); v2 is the first flexible version.
 */
export const SaslAuthenticateRequest = {
  apiKey: 36,
  name: 'SaslAuthenticateRequest',
  type: 'request',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    // Opaque token whose meaning is defined by the chosen mechanism.
    { name: 'authBytes', type: 'bytes', versions: '0+' },
  ],
} as const satisfies MessageSpec

export const SaslAuthenticateResponse = {
  apiKey: 36,
  name: 'SaslAuthenticateResponse',
  type: 'response',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    // The server's token for the next step of the mechanism (may be empty).
    { name: 'authBytes', type: 'bytes', versions: '0+' },
    // Milliseconds until the client must re-authenticate on this connection; 0 means never.
    { name: 'sessionLifetimeMs', type: 'int64', versions: '1+' },
  ],
} as const satisfies MessageSpec
