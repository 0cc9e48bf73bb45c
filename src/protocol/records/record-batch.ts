import { ProtocolError } from '../protocol-error.js'
import { Reader } from '../reader.js'
import { Writer } from '../writer.js'
import {
  BATCH_HEADER_BYTES,
  CONTROL_BIT,
  LOG_OVERHEAD,
  type RecordBatchHeader,
  TIMESTAMP_TYPE_BIT,
  TimestampType,
  TRANSACTIONAL_BIT,
  validateBatch,
  writeBatchHeader,
} from './batch-header.js'
import {
  type CompressionCodec,
  CompressionType,
  compressionCodec,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
} from './compression/index.js'
import {
  type DecodedRecord,
  MIN_RECORD_BYTES,
  type RecordContext,
  type RecordInput,
  readRecords,
  recordBodySize,
  varintSize,
  writeRecord,
} from './record.js'

/** Batch-level settings; the defaults describe a plain, non-idempotent producer. */
export interface RecordBatchOptions {
  compression?: CompressionType
  /** Usually 0 from a producer; the broker assigns the real offset on append. */
  baseOffset?: bigint
  partitionLeaderEpoch?: number
  /** -1 unless the producer is idempotent or transactional. */
  producerId?: bigint
  producerEpoch?: number
  baseSequence?: number
  transactional?: boolean
  /** Marks a batch of control records (transaction markers). */
  control?: boolean
  timestampType?: TimestampType
  /** Clock for records without a timestamp (injectable for tests). */
  now?: () => number
}

export interface DecodeRecordBatchOptions {
  /** Bound on the decompressed records section; 64 MiB by default. */
  maxDecompressedBytes?: number
  /** Check the CRC before reading records (default true). */
  verifyCrc?: boolean
}

/** A decoded batch: its header fields and its records with absolute offsets and timestamps. */
export interface RecordBatch extends RecordBatchHeader {
  records: DecodedRecord[]
}

const INT32_MAX = 0x7fffffff
/** Java's marker for "no timestamp", used for a batch without records. */
const NO_TIMESTAMP = -1
/** Past this a base offset plus an int32 delta could leave the exact range of a number. */
const MAX_NUMERIC_BASE_OFFSET = Number.MAX_SAFE_INTEGER - INT32_MAX

function checkInt(v: number, bits: 16 | 32, what: string): number {
  const limit = 2 ** (bits - 1)
  if (!Number.isInteger(v) || v < -limit || v >= limit)
    throw new ProtocolError(`${what} ${v} is not an int${bits}`)
  return v
}

function checkInt64(v: bigint, what: string): bigint {
  if (BigInt.asIntN(64, v) !== v) throw new ProtocolError(`${what} ${v} is not an int64`)
  return v
}

/**
 * Everything about a batch except its compression: the header fields and the
 * serialised records. When the batch is uncompressed the records are written
 * straight into the final buffer after room for the header, saving a copy.
 */
interface BatchPlan {
  options: RecordBatchOptions
  codec: CompressionCodec
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  recordCount: number
  /** The serialised records (a view into `batch` when uncompressed). */
  records: Buffer
  /** The whole batch buffer, header still blank, when uncompressed. */
  batch: Buffer | null
}

function planBatch(records: readonly RecordInput[], options: RecordBatchOptions): BatchPlan {
  const compression = options.compression ?? CompressionType.None
  const codec = compressionCodec(compression)
  const count = records.length
  if (count > INT32_MAX) throw new ProtocolError(`${count} records do not fit in one batch`)

  const timestamps = new Float64Array(count)
  const offsetDeltas = new Int32Array(count)
  const bodySizes = new Int32Array(count)
  let clock: number | undefined
  let maxTimestamp = NO_TIMESTAMP
  let previousDelta = -1
  for (let i = 0; i < count; i++) {
    const record = records[i]
    let timestamp = record.timestamp
    if (timestamp === undefined) {
      clock ??= (options.now ?? Date.now)()
      timestamp = clock
    }
    if (!Number.isSafeInteger(timestamp))
      throw new ProtocolError(`record timestamp ${timestamp} is not an integer`)
    const offsetDelta = record.offsetDelta ?? i
    if (!Number.isInteger(offsetDelta) || offsetDelta <= previousDelta || offsetDelta > INT32_MAX) {
      throw new ProtocolError(`record offset delta ${offsetDelta} must be an int32 above ${previousDelta}`)
    }
    previousDelta = offsetDelta
    timestamps[i] = timestamp
    offsetDeltas[i] = offsetDelta
    if (i === 0 || timestamp > maxTimestamp) maxTimestamp = timestamp
  }
  const baseTimestamp = count > 0 ? timestamps[0] : NO_TIMESTAMP

  let recordsSize = 0
  for (let i = 0; i < count; i++) {
    const body = recordBodySize(records[i], timestamps[i] - baseTimestamp, offsetDeltas[i])
    bodySizes[i] = body
    recordsSize += varintSize(body) + body
  }
  const headroom = compression === CompressionType.None ? BATCH_HEADER_BYTES : 0
  if (headroom + recordsSize - LOG_OVERHEAD > INT32_MAX) {
    throw new ProtocolError(`records of ${recordsSize} bytes do not fit in one batch`)
  }
  const w = new Writer(headroom + recordsSize)
  w.offset = headroom
  for (let i = 0; i < count; i++) {
    writeRecord(w, records[i], timestamps[i] - baseTimestamp, offsetDeltas[i], bodySizes[i])
  }
  const written = w.finish()

  let attributes = compression
  if (options.timestampType === TimestampType.LogAppendTime) attributes |= TIMESTAMP_TYPE_BIT
  if (options.transactional) attributes |= TRANSACTIONAL_BIT
  if (options.control) attributes |= CONTROL_BIT
  return {
    options,
    codec,
    attributes,
    // an empty batch reports -1 so that baseOffset + lastOffsetDelta + 1 is still "next offset"
    lastOffsetDelta: count > 0 ? offsetDeltas[count - 1] : -1,
    baseTimestamp,
    maxTimestamp,
    recordCount: count,
    records: written.subarray(headroom),
    batch: headroom > 0 ? written : null,
  }
}

/** Fills in the header around the (possibly compressed) records and seals it with the CRC. */
function assembleBatch(plan: BatchPlan, payload: Buffer): Buffer {
  const { options } = plan
  let batch: Buffer
  if (plan.batch !== null) {
    batch = plan.batch
  } else {
    if (BATCH_HEADER_BYTES + payload.length - LOG_OVERHEAD > INT32_MAX) {
      throw new ProtocolError(`compressed records of ${payload.length} bytes do not fit in one batch`)
    }
    batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + payload.length)
    payload.copy(batch, BATCH_HEADER_BYTES)
  }
  writeBatchHeader(batch, {
    baseOffset: checkInt64(options.baseOffset ?? 0n, 'baseOffset'),
    partitionLeaderEpoch: checkInt(options.partitionLeaderEpoch ?? -1, 32, 'partitionLeaderEpoch'),
    attributes: plan.attributes,
    lastOffsetDelta: plan.lastOffsetDelta,
    baseTimestamp: plan.baseTimestamp,
    maxTimestamp: plan.maxTimestamp,
    producerId: checkInt64(options.producerId ?? -1n, 'producerId'),
    producerEpoch: checkInt(options.producerEpoch ?? -1, 16, 'producerEpoch'),
    baseSequence: checkInt(options.baseSequence ?? -1, 32, 'baseSequence'),
    recordCount: plan.recordCount,
  })
  return batch
}

/** Encodes one magic 2 batch, compressing on the calling thread. */
export function encodeRecordBatch(records: readonly RecordInput[], options: RecordBatchOptions = {}): Buffer {
  const plan = planBatch(records, options)
  const payload = plan.batch !== null ? plan.records : plan.codec.compress(plan.records)
  return assembleBatch(plan, payload)
}

/**
 * Encodes one magic 2 batch, compressing through the codec's async entry point
 * (the library's thread pool where it has one) so large batches do not stall
 * the event loop. Same bytes as `encodeRecordBatch` for the same input.
 */
export async function encodeRecordBatchAsync(
  records: readonly RecordInput[],
  options: RecordBatchOptions = {},
): Promise<Buffer> {
  const plan = planBatch(records, options)
  const payload = plan.batch !== null ? plan.records : await plan.codec.compressAsync(plan.records)
  return assembleBatch(plan, payload)
}

/** A batch checked up to the point of decompression. */
interface PreparedBatch {
  header: RecordBatchHeader
  /** The records section as stored (compressed or not). */
  payload: Buffer
  codec: CompressionCodec
  maxBytes: number
}

function prepareDecode(buf: Buffer, offset: number, options: DecodeRecordBatchOptions): PreparedBatch {
  const header = validateBatch(buf, offset, options)
  const baseOffset = Number(header.baseOffset)
  if (baseOffset > MAX_NUMERIC_BASE_OFFSET || baseOffset < -MAX_NUMERIC_BASE_OFFSET) {
    throw new ProtocolError(`base offset ${header.baseOffset} is beyond the range records are decoded in`)
  }
  const maxBytes = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`maxDecompressedBytes must be a non-negative integer, got ${maxBytes}`)
  }
  // refuse a count no allowed output could hold before spending time decompressing
  if (header.recordCount > Math.floor(maxBytes / MIN_RECORD_BYTES)) {
    throw new ProtocolError(`${header.recordCount} records cannot fit in ${maxBytes} bytes`)
  }
  return {
    header,
    payload: buf.subarray(offset + BATCH_HEADER_BYTES, offset + header.size),
    codec: compressionCodec(header.compression),
    maxBytes,
  }
}

function finishDecode(header: RecordBatchHeader, data: Buffer): RecordBatch {
  const context: RecordContext = {
    baseOffset: Number(header.baseOffset),
    baseTimestamp: header.baseTimestamp,
    logAppendTime: header.timestampType === TimestampType.LogAppendTime ? header.maxTimestamp : null,
  }
  const reader = new Reader(data)
  const records = readRecords(reader, header.recordCount, context)
  if (reader.remaining !== 0) {
    throw new ProtocolError(
      `${reader.remaining} bytes left after the ${header.recordCount} records of a batch`,
    )
  }
  return { ...header, records }
}

/**
 * Decodes the batch at `offset`: checks the CRC, decompresses on the calling
 * thread and reads every record. Keys and values are views into `buf` (or into
 * the decompressed bytes). Any malformed input is a ProtocolError, a CRC
 * mismatch specifically a CorruptRecordError.
 */
export function decodeRecordBatch(
  buf: Buffer,
  offset = 0,
  options: DecodeRecordBatchOptions = {},
): RecordBatch {
  const { header, payload, codec, maxBytes } = prepareDecode(buf, offset, options)
  const data = header.compression === CompressionType.None ? payload : codec.decompress(payload, maxBytes)
  return finishDecode(header, data)
}

/** As `decodeRecordBatch`, decompressing through the codec's async entry point. */
export async function decodeRecordBatchAsync(
  buf: Buffer,
  offset = 0,
  options: DecodeRecordBatchOptions = {},
): Promise<RecordBatch> {
  const { header, payload, codec, maxBytes } = prepareDecode(buf, offset, options)
  const data =
    header.compression === CompressionType.None ? payload : await codec.decompressAsync(payload, maxBytes)
  return finishDecode(header, data)
}
