import type { RequestHeaderValue } from '../../protocol/headers.js'
import type { AnyApi } from '../../protocol/messages/index.js'
import type { MessageInput, MessageOf } from '../../protocol/schema.js'
import type { BrokerContext } from '../broker-context.js'
import type { Connection } from '../network/connection.js'

export interface RequestContext {
  readonly broker: BrokerContext
  readonly connection: Connection
  readonly version: number
  readonly header: RequestHeaderValue
}

export type HandlerResult<A extends AnyApi> = MessageInput<A['response']> | null

/**
 * One API served by the broker. `minVersion`..`maxVersion` is what ApiVersions
 * advertises; a request outside it closes the connection, as Kafka does.
 * Returning null sends no response (only Produce with acks=0 does that).
 */
export interface ApiHandler<A extends AnyApi = AnyApi> {
  readonly api: A
  readonly minVersion: number
  readonly maxVersion: number
  handle(body: MessageOf<A['request']>, ctx: RequestContext): HandlerResult<A> | Promise<HandlerResult<A>>
}

export function defineHandler<A extends AnyApi>(handler: ApiHandler<A>): ApiHandler<A> {
  return handler
}
