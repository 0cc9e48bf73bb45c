import type { ApiDefinition } from '../protocol/api.js'
import { type DecodedRequest, decodeRequest } from '../protocol/frames.js'
import { Apis } from '../protocol/messages/index.js'
import type { Connection } from './network/connection.js'

/**
 * The rules a request meets before any handler sees it, shared by the
 * dispatcher and the test-only fault injector that wraps it (so a fault
 * never applies to a request the dispatcher would refuse).
 */

/**
 * What a connection may ask before it has logged in when authentication is
 * on: the version list and the SASL exchange, nothing that reads or writes data.
 */
const PRE_AUTHENTICATION_APIS: ReadonlySet<number> = new Set([
  Apis.ApiVersions.key,
  Apis.SaslHandshake.key,
  Apis.SaslAuthenticate.key,
])

/** True when this request must close its connection because the connection has not logged in yet. */
export function refusedBeforeAuthentication(apiKey: number, connection: Connection): boolean {
  return connection.sasl?.authenticated === false && !PRE_AUTHENTICATION_APIS.has(apiKey)
}

/**
 * Decodes a request body as Kafka's brokers do: bytes left after the body are
 * ignored (librdkafka 2.1.0 sends an all-topics Metadata v9 with 3 extra,
 * which Kafka answers), and counted in `trailingBytes` for a debug line.
 */
export function decodeBrokerRequest<A extends ApiDefinition>(api: A, frame: Buffer): DecodedRequest<A> {
  return decodeRequest(api, frame, { trailingBytes: 'ignore' })
}
