import { CompressionType, compressionCodec } from '../../protocol/records/index.js'
import { ClientConfigError } from '../errors.js'
import {
  describe,
  isPlainObject,
  noUnknownKeys,
  oneOf,
  optionalBoolean,
  optionalCount,
  optionalInteger,
  optionalNumber,
} from '../option-checks.js'
import type { PartitionerOption } from './partitioner.js'
import type { SerializerOption } from './serializers.js'

export type Acks = 'all' | 'leader' | 'none' | -1 | 0 | 1
export type WhenFull = 'block' | 'error' | 'drop-newest'
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

/** What `onDrop` is told of a dropped record. */
export interface DroppedRecord {
  readonly topic: string
  readonly partition: number
  readonly bytes: number
}

export interface ProducerOptions {
  /** `all` (-1): every in-sync replica has the record; `leader` (1); `none` (0): not acknowledged at all. Default `all`. */
  acks?: Acks
  /** Sequence numbers so that retries never duplicate or reorder (`enable.idempotence`). Default true; needs acks `all`. */
  idempotent?: boolean
  /** How long a batch waits for more records before it is sent (`linger.ms`). Default 5. */
  lingerMs?: number
  /** A batch is sent once it holds this many bytes (`batch.size`). Default 16384. */
  batchBytes?: number
  /** Memory for records not yet acknowledged, batch buffers included (`buffer.memory`). Default 32 MiB. */
  bufferBytes?: number
  /** When the buffer is full: `block` (up to `maxBlockMs`), `error`, or `drop-newest` (with `onDrop`). Default `block`. */
  whenFull?: WhenFull
  /** Longest a send waits for room in the buffer and for its topic's metadata (`max.block.ms`). Default 60 s. */
  maxBlockMs?: number
  /** Told of every record `drop-newest` dropped. */
  onDrop?: (record: DroppedRecord) => void
  /** How long a record may take from send to acknowledgement, retries included (`delivery.timeout.ms`). Default 120 s. */
  deliveryTimeoutMs?: number
  /** Produce requests in flight per broker connection (`max.in.flight.requests.per.connection`). Default 5, at most 5 with idempotence. */
  maxInFlightRequests?: number
  /** Retries of a failed batch within the delivery timeout (`retries`). Default unlimited. */
  retries?: number
  /** `none`, `gzip`, `snappy`, `lz4`, `zstd`, or `{ type, level }` (gzip 1-9, zstd -131072-22). Default `none`. */
  compression?: CompressionName | { type: CompressionName; level?: number }
  /** `default` (murmur2 / sticky, as the Java client), `round-robin`, or a function. */
  partitioner?: PartitionerOption
  /** Default `auto`: strings as UTF-8, bytes as they are. */
  keySerializer?: SerializerOption
  valueSerializer?: SerializerOption
  /** Largest Produce request, and so the largest record (`max.request.size`). Default 1 MiB. */
  maxRequestBytes?: number
  /** Sends at most this many records and bytes per second (a token bucket; bursts up to one second's worth). */
  rate?: { recordsPerSecond?: number; bytesPerSecond?: number }
}

export interface ResolvedProducerOptions {
  readonly acks: -1 | 0 | 1
  readonly idempotent: boolean
  readonly lingerMs: number
  readonly batchBytes: number
  readonly bufferBytes: number
  readonly whenFull: WhenFull
  readonly maxBlockMs: number
  readonly onDrop: ((record: DroppedRecord) => void) | undefined
  readonly deliveryTimeoutMs: number
  readonly maxInFlightRequests: number
  readonly retries: number
  readonly compression: CompressionType
  readonly compressionLevel: number | undefined
  readonly partitioner: PartitionerOption
  readonly keySerializer: SerializerOption
  readonly valueSerializer: SerializerOption
  readonly maxRequestBytes: number
  readonly rate: { readonly recordsPerSecond: number; readonly bytesPerSecond: number } | undefined
}

const KNOWN = [
  'acks',
  'idempotent',
  'lingerMs',
  'batchBytes',
  'bufferBytes',
  'whenFull',
  'maxBlockMs',
  'onDrop',
  'deliveryTimeoutMs',
  'maxInFlightRequests',
  'retries',
  'compression',
  'partitioner',
  'keySerializer',
  'valueSerializer',
  'maxRequestBytes',
  'rate',
] as const

const CODECS: Record<CompressionName, CompressionType> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
}

const DAY_MS = 86_400_000
/** Sequence numbers stay ordered only up to this many batches in flight per partition (KAFKA-5494). */
const MAX_IDEMPOTENT_IN_FLIGHT = 5

function resolveAcks(acks: unknown): -1 | 0 | 1 {
  if (acks === undefined || acks === 'all' || acks === -1) return -1
  if (acks === 'leader' || acks === 1) return 1
  if (acks === 'none' || acks === 0) return 0
  throw new ClientConfigError('acks', `must be 'all', 'leader', 'none', -1, 1 or 0, got ${describe(acks)}`)
}

function resolveCompression(value: unknown): { type: CompressionType; level: number | undefined } {
  const spec = typeof value === 'string' || value === undefined ? { type: value ?? 'none' } : value
  if (!isPlainObject(spec))
    throw new ClientConfigError(
      'compression',
      `must be a codec name or { type, level }, got ${describe(value)}`,
    )
  noUnknownKeys('compression', spec, ['type', 'level'])
  const name = oneOf('compression.type', spec.type, Object.keys(CODECS) as CompressionName[], 'none')
  const type = CODECS[name]
  if (spec.level === undefined) return { type, level: undefined }
  const levels = compressionCodec(type).levels
  if (!levels) throw new ClientConfigError('compression.level', `${name} has no levels here`)
  return { type, level: optionalInteger('compression.level', spec.level, levels.default, levels) }
}

function resolveSerializer(key: string, value: unknown): SerializerOption {
  if (value === undefined) return 'auto'
  if (typeof value === 'function') return value as SerializerOption
  return oneOf(key, value, ['auto', 'string', 'buffer', 'json'] as const, 'auto')
}

/** Validates producer options against the client's; throws ClientConfigError naming the first bad key. */
export function resolveProducerOptions(
  options: ProducerOptions,
  client: { readonly requestTimeoutMs: number },
): ResolvedProducerOptions {
  if (!isPlainObject(options))
    throw new ClientConfigError('producer', `options must be an object, got ${describe(options)}`)
  noUnknownKeys('', options, KNOWN)
  const acks = resolveAcks(options.acks)
  // as the Java client: idempotence is on by default, quietly off when acks says otherwise, refused when asked for with it
  const idempotent = optionalBoolean('idempotent', options.idempotent, acks === -1)
  if (idempotent && acks !== -1) {
    throw new ClientConfigError(
      'idempotent',
      `needs acks 'all'; acks is ${acks === 1 ? "'leader'" : "'none'"}`,
    )
  }
  const lingerMs = optionalInteger('lingerMs', options.lingerMs, 5, { max: DAY_MS })
  const maxInFlightRequests = optionalInteger('maxInFlightRequests', options.maxInFlightRequests, 5, {
    min: 1,
    max: 1000,
  })
  if (idempotent && maxInFlightRequests > MAX_IDEMPOTENT_IN_FLIGHT) {
    throw new ClientConfigError(
      'maxInFlightRequests',
      `must be at most ${MAX_IDEMPOTENT_IN_FLIGHT} with idempotence`,
    )
  }
  const deliveryTimeoutMs = optionalInteger('deliveryTimeoutMs', options.deliveryTimeoutMs, 120_000, {
    min: 1,
    max: DAY_MS,
  })
  if (deliveryTimeoutMs < lingerMs + client.requestTimeoutMs) {
    throw new ClientConfigError(
      'deliveryTimeoutMs',
      `must be at least lingerMs + requestTimeoutMs (${lingerMs + client.requestTimeoutMs} ms), got ${deliveryTimeoutMs}`,
    )
  }
  const bufferBytes = optionalInteger('bufferBytes', options.bufferBytes, 32 << 20, {
    min: 1024,
    max: 2 ** 40,
  })
  const batchBytes = optionalInteger('batchBytes', options.batchBytes, 16_384, { min: 128, max: bufferBytes })
  const maxRequestBytes = optionalInteger('maxRequestBytes', options.maxRequestBytes, 1 << 20, {
    min: 1024,
    max: 2 ** 31 - 1,
  })
  const whenFull = oneOf('whenFull', options.whenFull, ['block', 'error', 'drop-newest'], 'block')
  if (options.onDrop !== undefined && typeof options.onDrop !== 'function') {
    throw new ClientConfigError('onDrop', `must be a function, got ${describe(options.onDrop)}`)
  }
  const partitioner = (options.partitioner ?? 'default') as PartitionerOption
  if (typeof partitioner !== 'function' && partitioner !== 'default' && partitioner !== 'round-robin') {
    throw new ClientConfigError(
      'partitioner',
      `must be 'default', 'round-robin' or a function, got ${describe(partitioner)}`,
    )
  }
  const compression = resolveCompression(options.compression)
  return {
    acks,
    idempotent,
    lingerMs,
    batchBytes,
    bufferBytes,
    whenFull,
    maxBlockMs: optionalInteger('maxBlockMs', options.maxBlockMs, 60_000, { max: DAY_MS }),
    onDrop: options.onDrop as ResolvedProducerOptions['onDrop'],
    deliveryTimeoutMs,
    maxInFlightRequests,
    retries: optionalCount('retries', options.retries, Number.POSITIVE_INFINITY),
    compression: compression.type,
    compressionLevel: compression.level,
    partitioner,
    keySerializer: resolveSerializer('keySerializer', options.keySerializer),
    valueSerializer: resolveSerializer('valueSerializer', options.valueSerializer),
    maxRequestBytes,
    rate: resolveRate(options.rate),
  }
}

function resolveRate(rate: unknown): ResolvedProducerOptions['rate'] {
  if (rate === undefined) return undefined
  if (!isPlainObject(rate))
    throw new ClientConfigError(
      'rate',
      `must be { recordsPerSecond?, bytesPerSecond? }, got ${describe(rate)}`,
    )
  noUnknownKeys('rate', rate, ['recordsPerSecond', 'bytesPerSecond'])
  const recordsPerSecond = optionalNumber(
    'rate.recordsPerSecond',
    rate.recordsPerSecond,
    Number.POSITIVE_INFINITY,
    {
      min: Number.MIN_VALUE,
    },
  )
  const bytesPerSecond = optionalNumber(
    'rate.bytesPerSecond',
    rate.bytesPerSecond,
    Number.POSITIVE_INFINITY,
    {
      min: Number.MIN_VALUE,
    },
  )
  return { recordsPerSecond, bytesPerSecond }
}
