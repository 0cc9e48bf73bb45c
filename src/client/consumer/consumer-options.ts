import { ClientConfigError } from '../errors.js'
import {
  describe,
  isPlainObject,
  noUnknownKeys,
  oneOf,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
} from '../option-checks.js'
import type { Deserializer, DeserializerOption } from './deserializers.js'

export type Ordering = 'partition' | 'key' | 'none'
export type Overflow = 'pause' | 'drop-oldest' | 'drop-newest' | 'latest'
export type CommitMode = 'after-process' | 'auto' | 'before-process'
export type FailurePolicy = 'dead-letter' | 'skip' | 'stop'
export type AssignorName = 'cooperative-sticky' | 'range' | 'roundrobin'

export interface ConsumerOptions {
  /** The consumer group. Leave out to read without a group (`assign`): no rebalances, no commits. */
  groupId?: string
  /** Topics to subscribe to (with a group): names, or a RegExp matched against every topic, refreshed with metadata. */
  topics?: readonly string[] | RegExp
  /** `partition` (default): one record at a time per partition; `key`: per key; `none`: no order. */
  ordering?: Ordering
  /** Records processed at once: a number, or `{ adaptive: 'gradient' | 'aimd', min?, max? }`. Default 1. */
  concurrency?: number | { adaptive: 'gradient' | 'aimd'; min?: number; max?: number }
  /** Bytes of records fetched and not yet finished, at most (plus one fetch answer). Default 64 MiB. */
  maxBufferedBytes?: number
  /** Records fetched and not yet finished, at most. Default 100,000. */
  maxBufferedRecords?: number
  /** A partition's fetching pauses at this many buffered bytes and resumes at half. Default 2 MiB. */
  partitionBufferBytes?: number
  /** The same in records. Default 10,000. */
  partitionBufferRecords?: number
  /** What happens when the buffers are full: `pause` fetching (lossless, default) or drop records. */
  overflow?: Overflow
  /** Told of every record an overflow strategy dropped (its offset counts as done). */
  onDrop?: (record: { topic: string; partition: number; offset: bigint }, reason: Overflow) => void
  /** Where a partition without a committed offset starts (`auto.offset.reset`). Default `latest`. */
  autoOffsetReset?: 'earliest' | 'latest' | 'none'
  /** Shorthand for `autoOffsetReset: 'earliest'`. */
  fromBeginning?: boolean
  /** When offsets are committed. Default `after-process`. */
  commit?: CommitMode
  /** How often finished offsets are committed (`auto.commit.interval.ms`). Default 5000. */
  commitIntervalMs?: number
  /** Assignors in order of preference. Default cooperative-sticky, then range. */
  assignors?: readonly AssignorName[]
  /** Static membership (KIP-345): a restart within the session timeout keeps the partitions. */
  groupInstanceId?: string
  /** Default 45000 (`session.timeout.ms`). */
  sessionTimeoutMs?: number
  /** Default 3000 (`heartbeat.interval.ms`). */
  heartbeatIntervalMs?: number
  /** How long a rebalance may wait for members to rejoin (`max.poll.interval.ms`). Default 300000. */
  rebalanceTimeoutMs?: number
  /** On revoke, how long in-flight records may finish before what is done is committed. Default 10000. */
  revokeDrainMs?: number
  /** A handler running longer than this is reported (`stuck` event) and handled by `onStuck`. Default none. */
  maxProcessingMs?: number
  /** `report` (default) or `fail` (the attempt counts as failed: retried, then the failure policy). */
  onStuck?: 'report' | 'fail'
  /** Attempts per record, the first included, before the failure policy. Default 1. */
  attempts?: number
  /** Backoff between attempts: first, and most. Defaults 100 and 10000 ms. */
  retryBackoffMs?: number
  retryBackoffMaxMs?: number
  /** After the last attempt: `dead-letter` (needs `deadLetterTopic`), `skip`, or `stop` (default). */
  onFailure?: FailurePolicy
  deadLetterTopic?: string
  /** Opens after handlers keep failing: fetching pauses, probes go through half-open, then it closes. */
  circuitBreaker?: { failureThreshold?: number; failureRate?: number; windowMs?: number; openMs?: number }
  /** Processes at most this many records and bytes per second. */
  rate?: { recordsPerSecond?: number; bytesPerSecond?: number }
  /** `read_committed` skips aborted transactions (`isolation.level`). Default `read_uncommitted`. */
  isolationLevel?: 'read_uncommitted' | 'read_committed'
  keyDeserializer?: DeserializerOption
  valueDeserializer?: DeserializerOption
  /** Fetch request settings (`fetch.min.bytes`, `fetch.max.wait.ms`, `fetch.max.bytes`, `max.partition.fetch.bytes`). */
  fetch?: { minBytes?: number; maxWaitMs?: number; maxBytes?: number; partitionMaxBytes?: number }
}

export interface ResolvedConsumerOptions {
  readonly groupId: string | undefined
  readonly topics: readonly string[] | RegExp | undefined
  readonly ordering: Ordering
  readonly concurrency: number | { adaptive: 'gradient' | 'aimd'; min: number; max: number }
  readonly maxBufferedBytes: number
  readonly maxBufferedRecords: number
  readonly partitionBufferBytes: number
  readonly partitionBufferRecords: number
  readonly overflow: Overflow
  readonly onDrop: ConsumerOptions['onDrop']
  readonly autoOffsetReset: 'earliest' | 'latest' | 'none'
  readonly commit: CommitMode
  readonly commitIntervalMs: number
  readonly assignors: readonly AssignorName[]
  readonly groupInstanceId: string | null
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly rebalanceTimeoutMs: number
  readonly revokeDrainMs: number
  readonly maxProcessingMs: number
  readonly onStuck: 'report' | 'fail'
  readonly attempts: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly onFailure: FailurePolicy
  readonly deadLetterTopic: string | undefined
  readonly circuitBreaker: ConsumerOptions['circuitBreaker']
  readonly rate: { readonly recordsPerSecond?: number; readonly bytesPerSecond?: number } | undefined
  readonly isolationLevel: 0 | 1
  readonly keyDeserializer: DeserializerOption
  readonly valueDeserializer: DeserializerOption
  readonly fetch: {
    readonly minBytes: number
    readonly maxWaitMs: number
    readonly maxBytes: number
    readonly partitionMaxBytes: number
  }
}

const KNOWN = [
  'groupId',
  'topics',
  'ordering',
  'concurrency',
  'maxBufferedBytes',
  'maxBufferedRecords',
  'partitionBufferBytes',
  'partitionBufferRecords',
  'overflow',
  'onDrop',
  'autoOffsetReset',
  'fromBeginning',
  'commit',
  'commitIntervalMs',
  'assignors',
  'groupInstanceId',
  'sessionTimeoutMs',
  'heartbeatIntervalMs',
  'rebalanceTimeoutMs',
  'revokeDrainMs',
  'maxProcessingMs',
  'onStuck',
  'attempts',
  'retryBackoffMs',
  'retryBackoffMaxMs',
  'onFailure',
  'deadLetterTopic',
  'circuitBreaker',
  'rate',
  'isolationLevel',
  'keyDeserializer',
  'valueDeserializer',
  'fetch',
] as const

const DAY_MS = 86_400_000
const ASSIGNORS: readonly AssignorName[] = ['cooperative-sticky', 'range', 'roundrobin']

function resolveTopics(topics: unknown, groupId: string | undefined): readonly string[] | RegExp | undefined {
  if (topics === undefined) return undefined
  if (topics instanceof RegExp) return topics
  if (
    !Array.isArray(topics) ||
    topics.length === 0 ||
    topics.some((t) => typeof t !== 'string' || t === '')
  ) {
    throw new ClientConfigError(
      'topics',
      `must be a non-empty array of topic names or a RegExp, got ${describe(topics)}`,
    )
  }
  if (groupId === undefined)
    throw new ClientConfigError('topics', 'needs a groupId (without one, use assign())')
  return [...new Set(topics as string[])]
}

function resolveConcurrency(value: unknown): ResolvedConsumerOptions['concurrency'] {
  if (value === undefined) return 1
  if (typeof value === 'number') return optionalInteger('concurrency', value, 1, { min: 1, max: 100_000 })
  if (!isPlainObject(value))
    throw new ClientConfigError('concurrency', `must be a number or { adaptive }, got ${describe(value)}`)
  noUnknownKeys('concurrency', value, ['adaptive', 'min', 'max'])
  const adaptive = oneOf('concurrency.adaptive', value.adaptive, ['gradient', 'aimd'] as const, 'gradient')
  const min = optionalInteger('concurrency.min', value.min, 1, { min: 1, max: 100_000 })
  const max = optionalInteger('concurrency.max', value.max, 1000, { min, max: 100_000 })
  return { adaptive, min, max }
}

function resolveDeserializer(key: string, value: unknown): DeserializerOption {
  if (value === undefined) return 'buffer'
  if (typeof value === 'function') return value as Deserializer
  return oneOf(key, value, ['buffer', 'string', 'json'] as const, 'buffer')
}

function resolveFetch(value: unknown): ResolvedConsumerOptions['fetch'] {
  const f = value ?? {}
  if (!isPlainObject(f)) throw new ClientConfigError('fetch', `must be an object, got ${describe(value)}`)
  noUnknownKeys('fetch', f, ['minBytes', 'maxWaitMs', 'maxBytes', 'partitionMaxBytes'])
  return {
    minBytes: optionalInteger('fetch.minBytes', f.minBytes, 1, { min: 1, max: 2 ** 31 - 1 }),
    maxWaitMs: optionalInteger('fetch.maxWaitMs', f.maxWaitMs, 500, { max: 60_000 }),
    maxBytes: optionalInteger('fetch.maxBytes', f.maxBytes, 50 << 20, { min: 1024, max: 2 ** 31 - 1 }),
    partitionMaxBytes: optionalInteger('fetch.partitionMaxBytes', f.partitionMaxBytes, 1 << 20, {
      min: 1024,
      max: 2 ** 31 - 1,
    }),
  }
}

/** Validates consumer options; throws ClientConfigError naming the first bad key. */
export function resolveConsumerOptions(options: ConsumerOptions): ResolvedConsumerOptions {
  if (!isPlainObject(options))
    throw new ClientConfigError('consumer', `options must be an object, got ${describe(options)}`)
  noUnknownKeys('', options, KNOWN)
  const groupId = options.groupId === undefined ? undefined : optionalString('groupId', options.groupId, '')
  if (groupId === '') throw new ClientConfigError('groupId', 'must not be empty')
  const sessionTimeoutMs = optionalInteger('sessionTimeoutMs', options.sessionTimeoutMs, 45_000, {
    min: 1,
    max: DAY_MS,
  })
  const heartbeatIntervalMs = optionalInteger(
    'heartbeatIntervalMs',
    options.heartbeatIntervalMs,
    Math.min(3000, Math.floor(sessionTimeoutMs / 3)),
    {
      min: 1,
      max: DAY_MS,
    },
  )
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw new ClientConfigError(
      'heartbeatIntervalMs',
      `must be lower than sessionTimeoutMs (${sessionTimeoutMs}), got ${heartbeatIntervalMs}`,
    )
  }
  const assignors = options.assignors ?? ['cooperative-sticky', 'range']
  if (!Array.isArray(assignors) || assignors.length === 0 || assignors.some((a) => !ASSIGNORS.includes(a))) {
    throw new ClientConfigError(
      'assignors',
      `must list some of ${ASSIGNORS.join(', ')}, got ${describe(assignors)}`,
    )
  }
  const onFailure = oneOf('onFailure', options.onFailure, ['dead-letter', 'skip', 'stop'] as const, 'stop')
  const deadLetterTopic =
    options.deadLetterTopic === undefined
      ? undefined
      : optionalString('deadLetterTopic', options.deadLetterTopic, '')
  if (onFailure === 'dead-letter' && !deadLetterTopic) {
    throw new ClientConfigError('deadLetterTopic', "is required with onFailure: 'dead-letter'")
  }
  if (options.onDrop !== undefined && typeof options.onDrop !== 'function') {
    throw new ClientConfigError('onDrop', `must be a function, got ${describe(options.onDrop)}`)
  }
  const fromBeginning = optionalBoolean('fromBeginning', options.fromBeginning, false)
  const partitionBufferBytes = optionalInteger(
    'partitionBufferBytes',
    options.partitionBufferBytes,
    2 << 20,
    { min: 1024, max: 2 ** 40 },
  )
  const maxBufferedBytes = optionalInteger('maxBufferedBytes', options.maxBufferedBytes, 64 << 20, {
    min: 1024,
    max: 2 ** 40,
  })
  return {
    groupId,
    topics: resolveTopics(options.topics, groupId),
    ordering: oneOf('ordering', options.ordering, ['partition', 'key', 'none'] as const, 'partition'),
    concurrency: resolveConcurrency(options.concurrency),
    maxBufferedBytes,
    maxBufferedRecords: optionalInteger('maxBufferedRecords', options.maxBufferedRecords, 100_000, {
      min: 1,
      max: 2 ** 31,
    }),
    partitionBufferBytes: Math.min(partitionBufferBytes, maxBufferedBytes),
    partitionBufferRecords: optionalInteger(
      'partitionBufferRecords',
      options.partitionBufferRecords,
      10_000,
      { min: 2, max: 2 ** 31 },
    ),
    overflow: oneOf(
      'overflow',
      options.overflow,
      ['pause', 'drop-oldest', 'drop-newest', 'latest'] as const,
      'pause',
    ),
    onDrop: options.onDrop as ResolvedConsumerOptions['onDrop'],
    autoOffsetReset: oneOf(
      'autoOffsetReset',
      options.autoOffsetReset,
      ['earliest', 'latest', 'none'] as const,
      fromBeginning ? 'earliest' : 'latest',
    ),
    commit: oneOf(
      'commit',
      options.commit,
      ['after-process', 'auto', 'before-process'] as const,
      'after-process',
    ),
    commitIntervalMs: optionalInteger('commitIntervalMs', options.commitIntervalMs, 5000, {
      min: 1,
      max: DAY_MS,
    }),
    assignors,
    groupInstanceId:
      options.groupInstanceId === undefined
        ? null
        : optionalString('groupInstanceId', options.groupInstanceId, ''),
    sessionTimeoutMs,
    heartbeatIntervalMs,
    rebalanceTimeoutMs: optionalInteger('rebalanceTimeoutMs', options.rebalanceTimeoutMs, 300_000, {
      min: 1,
      max: DAY_MS,
    }),
    revokeDrainMs: optionalInteger('revokeDrainMs', options.revokeDrainMs, 10_000, { max: DAY_MS }),
    maxProcessingMs: optionalInteger('maxProcessingMs', options.maxProcessingMs, 0, { max: DAY_MS }),
    onStuck: oneOf('onStuck', options.onStuck, ['report', 'fail'] as const, 'report'),
    attempts: optionalInteger('attempts', options.attempts, 1, { min: 1, max: 1000 }),
    retryBackoffMs: optionalInteger('retryBackoffMs', options.retryBackoffMs, 100, { max: DAY_MS }),
    retryBackoffMaxMs: optionalInteger('retryBackoffMaxMs', options.retryBackoffMaxMs, 10_000, {
      max: DAY_MS,
    }),
    onFailure,
    deadLetterTopic,
    circuitBreaker: resolveBreaker(options.circuitBreaker),
    rate: resolveRate(options.rate),
    isolationLevel:
      oneOf(
        'isolationLevel',
        options.isolationLevel,
        ['read_uncommitted', 'read_committed'] as const,
        'read_uncommitted',
      ) === 'read_committed'
        ? 1
        : 0,
    keyDeserializer: resolveDeserializer('keyDeserializer', options.keyDeserializer),
    valueDeserializer: resolveDeserializer('valueDeserializer', options.valueDeserializer),
    fetch: resolveFetch(options.fetch),
  }
}

function resolveBreaker(value: unknown): ConsumerOptions['circuitBreaker'] {
  if (value === undefined) return undefined
  if (!isPlainObject(value))
    throw new ClientConfigError('circuitBreaker', `must be an object, got ${describe(value)}`)
  noUnknownKeys('circuitBreaker', value, ['failureThreshold', 'failureRate', 'windowMs', 'openMs'])
  return {
    failureThreshold: optionalInteger('circuitBreaker.failureThreshold', value.failureThreshold, 5, {
      min: 1,
    }),
    failureRate:
      value.failureRate === undefined
        ? undefined
        : optionalNumber('circuitBreaker.failureRate', value.failureRate, 1, {
            min: Number.MIN_VALUE,
            max: 1,
          }),
    windowMs: optionalInteger('circuitBreaker.windowMs', value.windowMs, 10_000, { min: 1, max: DAY_MS }),
    openMs: optionalInteger('circuitBreaker.openMs', value.openMs, 10_000, { min: 1, max: DAY_MS }),
  }
}

function resolveRate(value: unknown): ResolvedConsumerOptions['rate'] {
  if (value === undefined) return undefined
  if (!isPlainObject(value))
    throw new ClientConfigError(
      'rate',
      `must be { recordsPerSecond?, bytesPerSecond? }, got ${describe(value)}`,
    )
  noUnknownKeys('rate', value, ['recordsPerSecond', 'bytesPerSecond'])
  return {
    recordsPerSecond:
      value.recordsPerSecond === undefined
        ? undefined
        : optionalNumber('rate.recordsPerSecond', value.recordsPerSecond, 1, { min: Number.MIN_VALUE }),
    bytesPerSecond:
      value.bytesPerSecond === undefined
        ? undefined
        : optionalNumber('rate.bytesPerSecond', value.bytesPerSecond, 1, { min: Number.MIN_VALUE }),
  }
}
