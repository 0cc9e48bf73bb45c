import { ErrorCode } from '../protocol/error-codes.js'
import { encodeResponse, readRequestPrefix } from '../protocol/frames.js'
import { Apis } from '../protocol/messages/index.js'
import { ProtocolError } from '../protocol/protocol-error.js'
import type { BrokerContext } from './broker-context.js'
import type { ApiHandler } from './handlers/handler.js'
import type { Connection } from './network/connection.js'
import { decodeBrokerRequest, refusedBeforeAuthentication } from './request-rules.js'

/**
 * Routes each request frame to the handler of its API key and encodes the
 * answer at the version asked. An unknown key or a version outside what is
 * advertised closes the connection (Kafka does the same), except ApiVersions:
 * a client probing with a newer ApiVersions than we speak gets a v0 answer
 * with UNSUPPORTED_VERSION and our full list, so it can retry with one we do.
 * When the connection must authenticate and has not, any other API closes
 * it before its body is even decoded. Bytes after a body are ignored, as
 * Kafka ignores them.
 */
export class Dispatcher {
  private readonly handlers = new Map<number, ApiHandler>()

  constructor(
    handlers: readonly ApiHandler[],
    private readonly broker: BrokerContext,
  ) {
    for (const h of handlers) this.handlers.set(h.api.key, h)
  }

  /** The ranges ApiVersions advertises, sorted by key. */
  advertisedVersions(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.handlers.values()]
      .map((h) => ({ apiKey: h.api.key, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey)
  }

  dispatch(frame: Buffer, connection: Connection): Promise<Buffer | null> | Buffer | null {
    const counters = this.broker.counters
    // the frame comes without its 4-byte size prefix
    counters.networkBytesIn += frame.length + 4
    let answer: Promise<Buffer | null> | Buffer | null
    try {
      answer = this.answer(frame, connection)
    } catch (err) {
      counters.requestErrors++
      throw err
    }
    if (answer instanceof Promise) {
      return answer.then(
        (response) => {
          if (response) counters.networkBytesOut += response.length
          return response
        },
        (err) => {
          counters.requestErrors++
          throw err
        },
      )
    }
    if (answer) counters.networkBytesOut += answer.length
    return answer
  }

  private answer(frame: Buffer, connection: Connection): Promise<Buffer | null> | Buffer | null {
    const { apiKey, apiVersion, correlationId } = readRequestPrefix(frame)
    const handler = this.handlers.get(apiKey)
    if (!handler) throw new ProtocolError(`unknown API key ${apiKey}`)
    this.broker.counters.request(apiKey)
    if (refusedBeforeAuthentication(apiKey, connection)) {
      throw new ProtocolError(`${handler.api.name} request before SASL authentication`)
    }
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === Apis.ApiVersions.key) return this.unsupportedApiVersions(correlationId)
      throw new ProtocolError(
        `${handler.api.name} v${apiVersion} is not supported (${handler.minVersion}-${handler.maxVersion})`,
      )
    }
    const { header, body, trailingBytes } = decodeBrokerRequest(handler.api, frame)
    if (trailingBytes > 0) {
      this.broker.logger.debug(
        `ignoring ${trailingBytes} bytes after the ${handler.api.name} v${apiVersion} request body from ${connection.remote}`,
      )
    }
    const ctx = { broker: this.broker, connection, version: apiVersion, header }
    const result = handler.handle(body as never, ctx)
    if (result instanceof Promise) {
      return result.then((response) =>
        response === null ? null : encodeResponse(handler.api, apiVersion, correlationId, response),
      )
    }
    return result === null ? null : encodeResponse(handler.api, apiVersion, correlationId, result)
  }

  private unsupportedApiVersions(correlationId: number): Buffer {
    return encodeResponse(Apis.ApiVersions, 0, correlationId, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: this.advertisedVersions(),
    })
  }
}
