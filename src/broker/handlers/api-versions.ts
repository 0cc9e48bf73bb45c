/**
 * ApiVersions (18), versions 0-3.
 * - Lists every API this broker serves with its advertised range.
 * - v3 carries the client's software name and version (KIP-511); malformed
 *   ones get INVALID_REQUEST, as Kafka answers.
 * - A request above v3 never reaches here: the dispatcher answers it in v0
 *   form with UNSUPPORTED_VERSION and the same list.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { defineHandler } from './handler.js'

/** Kafka's rule for KIP-511 client software names and versions. */
const SOFTWARE_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/

export const apiVersionsHandler = defineHandler({
  api: Apis.ApiVersions,
  minVersion: 0,
  maxVersion: 3,
  handle(body, { broker, version }) {
    const apiKeys = broker.advertisedVersions()
    const invalid =
      version >= 3 &&
      (!SOFTWARE_NAME.test(body.clientSoftwareName) || !SOFTWARE_NAME.test(body.clientSoftwareVersion))
    return { errorCode: invalid ? ErrorCode.INVALID_REQUEST : ErrorCode.NONE, apiKeys, throttleTimeMs: 0 }
  },
})
