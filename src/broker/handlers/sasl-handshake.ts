/**
 * SaslHandshake (17), versions 0-1. Names the SASL mechanism the client
 * wants; the answer lists the enabled ones.
 * - Authentication on, not yet logged in: the mechanism must be enabled (a
 *   user has it), else UNSUPPORTED_SASL_MECHANISM with the enabled list and the
 *   connection closes after the failure delay. v1 means tokens follow in
 *   SaslAuthenticate; v0 means they follow raw on the socket (see SaslSession).
 *   A second handshake is ILLEGAL_SASL_STATE and closes the connection.
 * - Authentication off, or already logged in: ILLEGAL_SASL_STATE with no
 *   mechanisms, and the connection stays open (Kafka's answer on a listener
 *   without SASL, and after a login when re-authentication is off).
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { defineHandler } from './handler.js'

export const saslHandshakeHandler = defineHandler({
  api: Apis.SaslHandshake,
  minVersion: 0,
  maxVersion: 1,
  handle(body, { connection, version }) {
    const session = connection.sasl
    if (session === undefined || session.authenticated) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] }
    }
    return session.handshake(body.mechanism, version)
  },
})
