/**
 * SaslAuthenticate (36), versions 0-2. Carries one SASL token each way after
 * a v1 SaslHandshake.
 * - A wrong password, an unknown user or a malformed token:
 *   SASL_AUTHENTICATION_FAILED with a message that does not say which, sent
 *   after the failure delay; then the connection closes.
 * - Out of turn (no handshake yet, or after a v0 one): ILLEGAL_SASL_STATE and close.
 * - Authentication off, or already logged in: ILLEGAL_SASL_STATE, connection
 *   kept (Kafka's answer outside a SASL exchange).
 * - v1+: sessionLifetimeMs is 0, no re-authentication (KIP-368 off).
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { defineHandler } from './handler.js'

const EMPTY = Buffer.alloc(0)

export const saslAuthenticateHandler = defineHandler({
  api: Apis.SaslAuthenticate,
  minVersion: 0,
  maxVersion: 2,
  async handle(body, { connection }) {
    const session = connection.sasl
    if (session === undefined || session.authenticated) {
      return {
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage:
          session === undefined
            ? 'SASL authentication is not enabled on this broker'
            : 'SaslAuthenticate request received after successful authentication',
        authBytes: EMPTY,
        sessionLifetimeMs: 0n,
      }
    }
    return { ...(await session.authenticate(body.authBytes)), sessionLifetimeMs: 0n }
  },
})
