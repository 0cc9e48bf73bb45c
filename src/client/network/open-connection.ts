import { type Clock, systemClock } from '../../flow/clock.js'
import { ErrorCode, KafkaError } from '../../protocol/error-codes.js'
import { decodeResponse } from '../../protocol/frames.js'
import { Apis } from '../../protocol/messages/index.js'
import { VERSION } from '../../version.js'
import { ConnectionError } from '../errors.js'
import { ApiVersionTable } from './api-version-table.js'
import { type BrokerAddress, formatAddress } from './broker-address.js'
import { BrokerConnection, type ConnectionSettings } from './broker-connection.js'
import type { SocketFactory, SslOptions } from './dial.js'
import { saslLogin } from './sasl/sasl-login.js'
import type { ResolvedSasl } from './sasl/sasl-options.js'

/** Everything needed to open and log in one connection. */
export interface OpenConnectionOptions {
  readonly clientId: string
  readonly maxInFlight: number
  readonly maxResponseBytes: number
  readonly requestTimeoutMs: number
  readonly connectionTimeoutMs: number
  readonly ssl: SslOptions | undefined
  readonly sasl: ResolvedSasl | undefined
  readonly socketFactory: SocketFactory
  readonly clock?: Clock
}

/** A connection ready for requests, and when the broker will end its SASL session (Infinity: never). */
export interface OpenedConnection {
  readonly connection: BrokerConnection
  readonly sessionExpiresAt: number
}

/** The newest ApiVersions we speak; a broker that lacks it answers in v0 with its own range. */
const API_VERSIONS_MAX = 3

/**
 * Decodes an ApiVersions answer. A broker that does not speak the version
 * asked for answers UNSUPPORTED_VERSION in the v0 layout (whatever was asked),
 * listing its own ApiVersions range, so the error code is read first.
 */
function decodeApiVersions(frame: Buffer, version: number) {
  // response header v0 is the 4-byte correlation id; the body starts with the error code
  const errorCode = frame.length >= 6 ? frame.readInt16BE(4) : 0
  const as = errorCode === ErrorCode.UNSUPPORTED_VERSION ? 0 : version
  return decodeResponse(Apis.ApiVersions, as, frame).body
}

/**
 * Dials a broker (TCP or TLS, within `connectionTimeoutMs`), asks ApiVersions
 * to learn which versions to speak, and logs in with SASL when configured.
 * On any failure the socket is closed before the error is thrown.
 */
export async function openConnection(
  address: BrokerAddress,
  options: OpenConnectionOptions,
  signal?: AbortSignal,
): Promise<OpenedConnection> {
  const clock = options.clock ?? systemClock
  const label = formatAddress(address)
  const socket = await dialWithin(address, options, label, signal)
  const settings: ConnectionSettings = {
    address: label,
    clientId: options.clientId,
    maxInFlight: options.maxInFlight,
    maxResponseBytes: options.maxResponseBytes,
    requestTimeoutMs: options.requestTimeoutMs,
    clock,
  }
  const connection = new BrokerConnection(socket, settings)
  try {
    connection.versions = await negotiateVersions(connection)
    let sessionExpiresAt = Number.POSITIVE_INFINITY
    if (options.sasl) {
      const lifetimeMs = await saslLogin(connection, options.sasl)
      if (lifetimeMs > 0) sessionExpiresAt = clock.now() + lifetimeMs
    }
    return { connection, sessionExpiresAt }
  } catch (error) {
    connection.destroy(error as Error)
    throw error
  }
}

async function negotiateVersions(connection: BrokerConnection): Promise<ApiVersionTable> {
  const body = { clientSoftwareName: 'sluice', clientSoftwareVersion: VERSION }
  let answer = await connection.request(Apis.ApiVersions, body, {
    version: API_VERSIONS_MAX,
    decode: decodeApiVersions,
  })
  if (answer.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
    const theirs = answer.apiKeys.find((k) => k.apiKey === Apis.ApiVersions.key)
    const retryVersion = Math.min(API_VERSIONS_MAX, theirs?.maxVersion ?? 0)
    answer = await connection.request(Apis.ApiVersions, body, {
      version: retryVersion,
      decode: decodeApiVersions,
    })
  }
  if (answer.errorCode !== ErrorCode.NONE) throw new KafkaError(answer.errorCode, { api: 'ApiVersions' })
  const table = new ApiVersionTable(answer.apiKeys, connection.address)
  // every use of a connection starts from Metadata: one whose broker speaks no version of it
  // (or whose answer was damaged on the way) is refused now, not kept open for every lookup to fail on
  table.version(Apis.Metadata)
  return table
}

async function dialWithin(
  address: BrokerAddress,
  options: OpenConnectionOptions,
  label: string,
  outer: AbortSignal | undefined,
) {
  const clock = options.clock ?? systemClock
  const controller = new AbortController()
  const timer = clock.setTimeout(
    () =>
      controller.abort(new ConnectionError(`no connection within ${options.connectionTimeoutMs} ms`, label)),
    options.connectionTimeoutMs,
  )
  const onOuterAbort = () => controller.abort(outer?.reason)
  outer?.addEventListener('abort', onOuterAbort, { once: true })
  if (outer?.aborted) onOuterAbort()
  try {
    return await options.socketFactory(address, { ssl: options.ssl, signal: controller.signal })
  } finally {
    clock.clearTimeout(timer)
    outer?.removeEventListener('abort', onOuterAbort)
  }
}
