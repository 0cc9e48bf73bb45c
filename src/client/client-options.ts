import type { Clock } from '../flow/clock.js'
import { ClientConfigError } from './errors.js'
import { consoleLogger, LOG_LEVELS, type Logger, type LogLevel } from './logger.js'
import { type BrokerAddress, parseAddress } from './network/broker-address.js'
import { defaultSocketFactory, type SocketFactory, type SslOptions } from './network/dial.js'
import {
  type ResolvedSasl,
  SASL_MECHANISMS,
  type SaslMechanismName,
  type SaslOptions,
} from './network/sasl/sasl-options.js'
import {
  describe,
  isPlainObject,
  noUnknownKeys,
  optionalCount,
  optionalInteger,
  optionalString,
} from './option-checks.js'

/** How failed requests are retried, everywhere in the client (one policy). */
export interface RetryPolicyOptions {
  /** Retries after the first attempt; default unlimited within the operation's timeout, as the Java client. */
  retries?: number
  /** Wait before the first retry (`retry.backoff.ms`). Default 100 ms. */
  initialBackoffMs?: number
  /** Longest wait between retries (`retry.backoff.max.ms`). Default 1000 ms. */
  maxBackoffMs?: number
}

export interface KafkaOptions {
  /** Bootstrap brokers, `host:port` (`[ipv6]:port`): an array or a comma-separated string. Any one is enough. */
  brokers: string | readonly string[]
  /** Sent with every request, for the broker's logs and quotas. Default `sluice`. */
  clientId?: string
  /** TLS: `true` with Node's trusted roots, or Node TLS options (ca, cert, key, servername, ...). Default plain TCP. */
  ssl?: boolean | SslOptions
  /** SASL login on every connection: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. */
  sasl?: SaslOptions
  /** Time to establish a connection, TLS handshake included (`socket.connection.setup.timeout.ms`). Default 10 s. */
  connectionTimeoutMs?: number
  /** Time a request may wait for its answer (`request.timeout.ms`). Default 30 s. */
  requestTimeoutMs?: number
  /** Time an operation (an admin call, a metadata lookup) may take with its retries (`default.api.timeout.ms`). Default 60 s. */
  defaultApiTimeoutMs?: number
  retry?: RetryPolicyOptions
  /** A Logger, or the level of the default stderr logger. Default `warn`. */
  logger?: Logger | LogLevel
  /** Requests written to one connection and not yet answered; more wait their turn. Default 100. */
  maxInFlightRequests?: number
  /** Largest response accepted; a broker announcing more is disconnected before anything is read. Default 256 MiB. */
  maxResponseBytes?: number
  /** Close connections with nothing in flight for this long (`connections.max.idle.ms`); 0 never. Default 9 min. */
  connectionsMaxIdleMs?: number
  /** First wait before reconnecting to a broker (`reconnect.backoff.ms`). Default 50 ms. */
  reconnectBackoffMs?: number
  /** Longest wait before reconnecting (`reconnect.backoff.max.ms`). Default 1000 ms. */
  reconnectBackoffMaxMs?: number
  /** Refresh cached metadata at least this often (`metadata.max.age.ms`). Default 5 min. */
  metadataMaxAgeMs?: number
  /** Opens the byte stream to a broker, for unusual transports and tests. Default TCP/TLS. */
  socketFactory?: SocketFactory
}

/** The options after validation, with every default filled in. */
export interface ResolvedKafkaOptions {
  readonly brokers: readonly BrokerAddress[]
  readonly clientId: string
  readonly ssl: SslOptions | undefined
  readonly sasl: ResolvedSasl | undefined
  readonly connectionTimeoutMs: number
  readonly requestTimeoutMs: number
  readonly defaultApiTimeoutMs: number
  readonly retry: Required<RetryPolicyOptions>
  readonly logger: Logger
  readonly maxInFlight: number
  readonly maxResponseBytes: number
  readonly connectionsMaxIdleMs: number
  readonly reconnectBackoffMs: number
  readonly reconnectBackoffMaxMs: number
  readonly metadataMaxAgeMs: number
  readonly socketFactory: SocketFactory
  /** Injected by tests; the system clock otherwise. */
  readonly clock?: Clock
}

const KNOWN = [
  'brokers',
  'clientId',
  'ssl',
  'sasl',
  'connectionTimeoutMs',
  'requestTimeoutMs',
  'defaultApiTimeoutMs',
  'retry',
  'logger',
  'maxInFlightRequests',
  'maxResponseBytes',
  'connectionsMaxIdleMs',
  'reconnectBackoffMs',
  'reconnectBackoffMaxMs',
  'metadataMaxAgeMs',
  'socketFactory',
] as const

const DAY_MS = 86_400_000
const MAX_RESPONSE_CEILING = 2 ** 31 - 1

/** Validates client options; throws ClientConfigError naming the first bad key. */
export function resolveKafkaOptions(options: KafkaOptions, clock?: Clock): ResolvedKafkaOptions {
  if (!isPlainObject(options))
    throw new ClientConfigError('options', `must be an object, got ${describe(options)}`)
  noUnknownKeys('', options, KNOWN)
  const clientId = optionalString('clientId', options.clientId, 'sluice')
  const requestTimeoutMs = optionalInteger('requestTimeoutMs', options.requestTimeoutMs, 30_000, {
    min: 1,
    max: DAY_MS,
  })
  const reconnectBackoffMs = optionalInteger('reconnectBackoffMs', options.reconnectBackoffMs, 50, {
    max: DAY_MS,
  })
  const reconnectBackoffMaxMs = optionalInteger(
    'reconnectBackoffMaxMs',
    options.reconnectBackoffMaxMs,
    Math.max(1000, reconnectBackoffMs),
    { min: reconnectBackoffMs, max: DAY_MS },
  )
  return {
    brokers: resolveBrokers(options.brokers),
    clientId,
    ssl: resolveSsl(options.ssl),
    sasl: resolveSasl(options.sasl),
    connectionTimeoutMs: optionalInteger('connectionTimeoutMs', options.connectionTimeoutMs, 10_000, {
      min: 1,
      max: DAY_MS,
    }),
    requestTimeoutMs,
    defaultApiTimeoutMs: optionalInteger('defaultApiTimeoutMs', options.defaultApiTimeoutMs, 60_000, {
      min: 1,
      max: DAY_MS,
    }),
    retry: resolveRetry(options.retry),
    logger: resolveLogger(options.logger, clientId),
    maxInFlight: optionalInteger('maxInFlightRequests', options.maxInFlightRequests, 100, {
      min: 1,
      max: 10_000,
    }),
    maxResponseBytes: optionalInteger('maxResponseBytes', options.maxResponseBytes, 256 << 20, {
      min: 1024,
      max: MAX_RESPONSE_CEILING,
    }),
    connectionsMaxIdleMs: optionalInteger('connectionsMaxIdleMs', options.connectionsMaxIdleMs, 540_000, {
      max: DAY_MS,
    }),
    reconnectBackoffMs,
    reconnectBackoffMaxMs,
    metadataMaxAgeMs: optionalInteger('metadataMaxAgeMs', options.metadataMaxAgeMs, 300_000, { max: DAY_MS }),
    socketFactory: resolveSocketFactory(options.socketFactory),
    clock,
  }
}

function resolveBrokers(brokers: unknown): BrokerAddress[] {
  if (brokers === undefined) throw new ClientConfigError('brokers', 'is required: at least one host:port')
  const list =
    typeof brokers === 'string'
      ? brokers
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : brokers
  if (!Array.isArray(list)) {
    throw new ClientConfigError(
      'brokers',
      `must be an array or a comma-separated string, got ${describe(brokers)}`,
    )
  }
  if (list.length === 0) throw new ClientConfigError('brokers', 'is empty: give at least one host:port')
  return list.map((entry, i) => {
    if (typeof entry !== 'string')
      throw new ClientConfigError(`brokers[${i}]`, `must be a string, got ${describe(entry)}`)
    const parsed = parseAddress(entry.trim())
    if (typeof parsed === 'string') throw new ClientConfigError(`brokers[${i}]`, parsed)
    return parsed
  })
}

const SSL_KEYS = [
  'ca',
  'cert',
  'key',
  'passphrase',
  'rejectUnauthorized',
  'servername',
  'minVersion',
] as const

function resolveSsl(ssl: unknown): SslOptions | undefined {
  if (ssl === undefined || ssl === false) return undefined
  if (ssl === true) return {}
  if (!isPlainObject(ssl))
    throw new ClientConfigError('ssl', `must be true, false or TLS options, got ${describe(ssl)}`)
  noUnknownKeys('ssl', ssl, SSL_KEYS)
  if (ssl.key !== undefined && ssl.cert === undefined) {
    throw new ClientConfigError(
      'ssl.cert',
      'is required with ssl.key (the client certificate the key belongs to)',
    )
  }
  return ssl as SslOptions
}

function resolveSasl(sasl: unknown): ResolvedSasl | undefined {
  if (sasl === undefined) return undefined
  if (!isPlainObject(sasl)) throw new ClientConfigError('sasl', `must be an object, got ${describe(sasl)}`)
  noUnknownKeys('sasl', sasl, ['mechanism', 'username', 'password'])
  const mechanism = typeof sasl.mechanism === 'string' ? sasl.mechanism.toUpperCase() : sasl.mechanism
  if (!SASL_MECHANISMS.includes(mechanism as SaslMechanismName)) {
    throw new ClientConfigError(
      'sasl.mechanism',
      `must be one of ${SASL_MECHANISMS.join(', ')}, got ${describe(sasl.mechanism)}`,
    )
  }
  for (const key of ['username', 'password'] as const) {
    const value = sasl[key]
    if (typeof value === 'string' && value !== '') continue
    // a password's value, even a wrong one, never goes into an error message
    const got = key === 'password' ? (value === '' ? 'an empty string' : typeof value) : describe(value)
    throw new ClientConfigError(`sasl.${key}`, `must be a non-empty string, got ${got}`)
  }
  return {
    mechanism: mechanism as SaslMechanismName,
    username: sasl.username as string,
    password: sasl.password as string,
  }
}

function resolveRetry(retry: unknown): Required<RetryPolicyOptions> {
  if (retry === undefined) retry = {}
  if (!isPlainObject(retry)) throw new ClientConfigError('retry', `must be an object, got ${describe(retry)}`)
  noUnknownKeys('retry', retry, ['retries', 'initialBackoffMs', 'maxBackoffMs'])
  const initialBackoffMs = optionalInteger('retry.initialBackoffMs', retry.initialBackoffMs, 100, {
    max: DAY_MS,
  })
  return {
    retries: optionalCount('retry.retries', retry.retries, Number.POSITIVE_INFINITY),
    initialBackoffMs,
    maxBackoffMs: optionalInteger(
      'retry.maxBackoffMs',
      retry.maxBackoffMs,
      Math.max(1000, initialBackoffMs),
      {
        min: initialBackoffMs,
        max: DAY_MS,
      },
    ),
  }
}

function resolveLogger(logger: unknown, clientId: string): Logger {
  if (logger === undefined) return consoleLogger('warn', clientId)
  if (typeof logger === 'string') {
    if (!LOG_LEVELS.includes(logger as LogLevel)) {
      throw new ClientConfigError(
        'logger',
        `must be a Logger or one of ${LOG_LEVELS.join(', ')}, got ${describe(logger)}`,
      )
    }
    return consoleLogger(logger as LogLevel, clientId)
  }
  if (
    isPlainObject(logger) &&
    ['debug', 'info', 'warn', 'error'].every((m) => typeof logger[m] === 'function')
  ) {
    return logger as unknown as Logger
  }
  throw new ClientConfigError(
    'logger',
    'must be a level or an object with debug, info, warn and error functions',
  )
}

function resolveSocketFactory(factory: unknown): SocketFactory {
  if (factory === undefined) return defaultSocketFactory
  if (typeof factory !== 'function')
    throw new ClientConfigError('socketFactory', `must be a function, got ${describe(factory)}`)
  return factory as SocketFactory
}
