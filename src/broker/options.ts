import { totalmem } from 'node:os'
import {
  type ResolvedSecurityOptions,
  resolveSecurityOptions,
  type SecurityOptions,
} from './auth/security-options.js'
import { BrokerConfigError } from './config-error.js'
import type { FaultInjector } from './faults/fault-injector.js'
import { resolveFaultInjection } from './faults/fault-option.js'
import { defaultMemoryBudget } from './log/memory-budget.js'
import type { FsyncPolicy } from './log/partition-log.js'
import { type Logger, type LogLevel, silentLogger, stderrLogger } from './logger.js'
import { type ConnectionLimitOptions, resolveConnectionLimits } from './network/limits.js'

/** Users, TLS and connection limits are declared beside their code (auth/security-options.ts, network/limits.ts). */
export interface BrokerOptions extends SecurityOptions, ConnectionLimitOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string
  /** Port to listen on; 0 picks a free one. Default 9092. */
  port?: number
  /**
   * Host that Metadata and FindCoordinator tell clients to connect to,
   * instead of the one listened on (Kafka's `advertised.listeners`): for a
   * proxy or NAT in front of the broker, so clients that follow Metadata keep
   * going through it. Default the listening host (127.0.0.1 for a wildcard).
   */
  advertisedHost?: string
  /** Port told to clients instead of the one listened on (see `advertisedHost`). Lone broker only. Default the listening port. */
  advertisedPort?: number
  /** Directory for the disk engine; absent means everything lives in memory. */
  dataDir?: string
  /** Partitions of an auto-created topic, and of CreateTopics with -1 (`num.partitions`). Default 1. */
  defaultPartitions?: number
  /** Create a topic when a client asks for one that does not exist (`auto.create.topics.enable`). Default true. */
  autoCreateTopics?: boolean
  /** Default `retention.ms` of new topics (`log.retention.ms`). Default 7 days; -1 keeps forever. */
  retentionMs?: number
  /** Default `retention.bytes` of new topics (`log.retention.bytes`). Default -1 (no limit). */
  retentionBytes?: number
  /** Default `segment.bytes` (`log.segment.bytes`). Default 1 GiB. */
  segmentBytes?: number
  /** Default `segment.ms` (`log.roll.ms`). Default 7 days. */
  segmentMs?: number
  /**
   * Without a data directory: the most the memory engine holds, over every
   * partition (batch bytes plus a per-batch overhead). When it is reached the
   * oldest batches of the partitions holding most are released and their log
   * start offsets move, as retention does. -1 for none. Default 512 MiB or a
   * quarter of the machine's memory, whichever is less. Ignored with `dataDir`.
   */
  memoryBudgetBytes?: number
  /** How often retention runs (`log.retention.check.interval.ms`). Default 5 minutes. */
  retentionCheckIntervalMs?: number
  /** When the disk engine fsyncs: `never`, every `flushIntervalMs`, or `always` before acknowledging. Default `interval`. */
  fsync?: FsyncPolicy
  /** Interval for `fsync: 'interval'`. Default 1000 ms. */
  flushIntervalMs?: number
  /** Largest request accepted (`socket.request.max.bytes`); larger ones close the connection. Default 100 MiB. */
  maxRequestBytes?: number
  /** Unanswered requests per connection before reading pauses. Default 100. */
  maxInFlightPerConnection?: number
  /** This broker's node id in metadata. Default 1. */
  nodeId?: number
  /** Cluster id reported in metadata. Default a fixed id per data directory, random in memory. */
  clusterId?: string
  /** Where log lines go: a Logger, or a level for the default stderr logger. Default `warn`. */
  logger?: Logger | LogLevel
  /**
   * How long a partition remembers an idempotent producer that stopped writing
   * (`producer.id.expiration.ms`); a forgotten producer may start at any sequence. Default 1 day.
   */
  producerIdExpirationMs?: number
  /**
   * How long a new consumer group waits for more members before its first
   * generation (`group.initial.rebalance.delay.ms`), restarting the wait
   * each time one arrives, up to the rebalance timeout. Default 3000 ms; 0 in tests.
   */
  groupInitialRebalanceDelayMs?: number
  /** Shortest session timeout a group member may ask for (`group.min.session.timeout.ms`). Default 6000 ms. */
  groupMinSessionTimeoutMs?: number
  /** Longest session timeout a group member may ask for (`group.max.session.timeout.ms`). Default 30 minutes. */
  groupMaxSessionTimeoutMs?: number
  /** Longest metadata string stored with a committed offset (`offset.metadata.max.bytes`). Default 4096. */
  offsetMetadataMaxBytes?: number
  /** TEST ONLY: enables the fault controls on `running.faults` (src/broker/faults/). Default false. */
  faultInjection?: boolean
}

export type ResolvedBrokerOptions = Required<
  Omit<
    BrokerOptions,
    | 'dataDir'
    | 'clusterId'
    | 'logger'
    | 'faultInjection'
    | 'advertisedHost'
    | 'advertisedPort'
    | keyof SecurityOptions
  >
> &
  ResolvedSecurityOptions & {
    advertisedHost: string | undefined
    advertisedPort: number | undefined
    dataDir: string | undefined
    clusterId: string | undefined
    logger: Logger
    /** TEST ONLY: present when `faultInjection` is true; shared by every node over these options. */
    faults: FaultInjector | undefined
    /**
     * The options that were given, as against left at their defaults: what
     * Kafka tells apart as a server.properties setting (STATIC_BROKER_CONFIG)
     * and its own default (DEFAULT_CONFIG) when it describes configs.
     */
    configured: ReadonlySet<keyof BrokerOptions>
  }

const DAY_MS = 24 * 60 * 60 * 1000
const MIN_MEMORY_BUDGET = 1024 * 1024

function integer(key: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new BrokerConfigError(key, `must be an integer, got ${String(value)}`)
  if (value < min || value > max)
    throw new BrokerConfigError(key, `must be between ${min} and ${max}, got ${value}`)
  return value
}

function memoryBudget(value: unknown): number {
  if (value === undefined) return defaultMemoryBudget(totalmem())
  if (value === -1) return -1
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < MIN_MEMORY_BUDGET)
    throw new BrokerConfigError(
      'memoryBudgetBytes',
      `must be -1 (no budget) or an integer of at least ${MIN_MEMORY_BUDGET} (1 MiB), got ${String(value)}`,
    )
  return value
}

function resolveLogger(value: BrokerOptions['logger']): Logger {
  if (value === undefined) return stderrLogger('warn')
  if (typeof value === 'string') {
    if (!['debug', 'info', 'warn', 'error', 'silent'].includes(value)) {
      throw new BrokerConfigError('logger', `unknown level ${value}`)
    }
    return value === 'silent' ? silentLogger : stderrLogger(value)
  }
  if (typeof value.warn !== 'function')
    throw new BrokerConfigError('logger', 'must be a level or an object with debug/info/warn/error')
  return value
}

export function resolveBrokerOptions(options: BrokerOptions = {}): ResolvedBrokerOptions {
  const fsync = options.fsync ?? 'interval'
  if (!['never', 'interval', 'always'].includes(fsync)) {
    throw new BrokerConfigError('fsync', `must be never, interval or always, got ${String(fsync)}`)
  }
  if (options.dataDir !== undefined && (typeof options.dataDir !== 'string' || options.dataDir === '')) {
    throw new BrokerConfigError('dataDir', 'must be a non-empty path')
  }
  const groupMinSessionTimeoutMs = integer(
    'groupMinSessionTimeoutMs',
    options.groupMinSessionTimeoutMs ?? 6000,
    1,
    2 ** 31 - 1,
  )
  const groupMaxSessionTimeoutMs = integer(
    'groupMaxSessionTimeoutMs',
    options.groupMaxSessionTimeoutMs ?? 1_800_000,
    groupMinSessionTimeoutMs,
    2 ** 31 - 1,
  )
  const host = options.host ?? '127.0.0.1'
  if (typeof host !== 'string' || host === '')
    throw new BrokerConfigError('host', 'must be a non-empty string')
  const advertisedHost = options.advertisedHost
  if (advertisedHost !== undefined && (typeof advertisedHost !== 'string' || advertisedHost === ''))
    throw new BrokerConfigError('advertisedHost', 'must be a non-empty string')
  return {
    host,
    port: integer('port', options.port ?? 9092, 0, 65535),
    advertisedHost,
    // 0 would tell clients a port nobody listens on
    advertisedPort:
      options.advertisedPort === undefined
        ? undefined
        : integer('advertisedPort', options.advertisedPort, 1, 65535),
    dataDir: options.dataDir,
    defaultPartitions: integer('defaultPartitions', options.defaultPartitions ?? 1, 1, 10_000),
    autoCreateTopics: options.autoCreateTopics ?? true,
    retentionMs: integer('retentionMs', options.retentionMs ?? 7 * DAY_MS, -1),
    retentionBytes: integer('retentionBytes', options.retentionBytes ?? -1, -1),
    segmentBytes: integer('segmentBytes', options.segmentBytes ?? 1024 * 1024 * 1024, 14, 2 ** 31 - 1),
    segmentMs: integer('segmentMs', options.segmentMs ?? 7 * DAY_MS, 1),
    memoryBudgetBytes: memoryBudget(options.memoryBudgetBytes),
    retentionCheckIntervalMs: integer(
      'retentionCheckIntervalMs',
      options.retentionCheckIntervalMs ?? 300_000,
      1,
    ),
    fsync,
    flushIntervalMs: integer('flushIntervalMs', options.flushIntervalMs ?? 1000, 1),
    maxRequestBytes: integer(
      'maxRequestBytes',
      options.maxRequestBytes ?? 100 * 1024 * 1024,
      1024,
      2 ** 31 - 1,
    ),
    maxInFlightPerConnection: integer('maxInFlightPerConnection', options.maxInFlightPerConnection ?? 100, 1),
    nodeId: integer('nodeId', options.nodeId ?? 1, 0, 2 ** 31 - 1),
    clusterId: options.clusterId,
    logger: resolveLogger(options.logger),
    producerIdExpirationMs: integer('producerIdExpirationMs', options.producerIdExpirationMs ?? DAY_MS, 1),
    faults: resolveFaultInjection(options),
    ...resolveConnectionLimits(options),
    ...resolveSecurityOptions(options),
    groupInitialRebalanceDelayMs: integer(
      'groupInitialRebalanceDelayMs',
      options.groupInitialRebalanceDelayMs ?? 3000,
      0,
      2 ** 31 - 1,
    ),
    groupMinSessionTimeoutMs,
    groupMaxSessionTimeoutMs,
    offsetMetadataMaxBytes: integer('offsetMetadataMaxBytes', options.offsetMetadataMaxBytes ?? 4096, 0),
    configured: new Set(
      (Object.keys(options) as (keyof BrokerOptions)[]).filter((key) => options[key] !== undefined),
    ),
  }
}
