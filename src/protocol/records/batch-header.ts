import { CorruptRecordError, ProtocolError } from '../protocol-error.js'
import { COMPRESSION_TYPE_MASK, type CompressionType, compressionCodec } from './compression/index.js'
import { crc32c } from './crc32c.js'

/**
 * Byte positions inside a magic 2 record batch, from its first byte. Everything
 * is big-endian. The CRC covers ATTRIBUTES to the end of the batch, which leaves
 * the base offset and partition leader epoch outside it: the broker rewrites
 * both in place without recomputing the checksum.
 */
export const BatchLayout = {
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORD_COUNT: 57,
  RECORDS: 61,
} as const

/** baseOffset + batchLength: the bytes before what batchLength counts. */
export const LOG_OVERHEAD = 12
/** Size of the fixed header, up to the first record. */
export const BATCH_HEADER_BYTES = BatchLayout.RECORDS
/** Smallest valid batchLength: a header with no records. */
export const MIN_BATCH_LENGTH = BATCH_HEADER_BYTES - LOG_OVERHEAD
/** Bytes needed to see the magic byte, which tells the formats apart. */
export const HEADER_BYTES_UP_TO_MAGIC = BatchLayout.MAGIC + 1

export const CURRENT_MAGIC = 2

/** Attribute bits besides the compression type. */
export const TIMESTAMP_TYPE_BIT = 0x08
export const TRANSACTIONAL_BIT = 0x10
export const CONTROL_BIT = 0x20
/** KIP-534: baseTimestamp holds the delete horizon of a compacted batch. */
export const DELETE_HORIZON_BIT = 0x40

export enum TimestampType {
  /** Set by the producer. */
  CreateTime = 0,
  /** Set by the broker on append; records then all carry the batch's maxTimestamp. */
  LogAppendTime = 1,
}

/**
 * The fixed fields of one batch. baseOffset and producerId are int64 on the
 * wire and kept exact as bigint; timestamps (milliseconds) are numbers, exact
 * for any date within 285,000 years of 1970.
 */
export interface RecordBatchHeader {
  baseOffset: bigint
  batchLength: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  /** A CompressionType, unchecked here: 5-7 are refused by `validateBatch` and decoding. */
  compression: CompressionType
  timestampType: TimestampType
  isTransactional: boolean
  isControl: boolean
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  recordCount: number
  /** Bytes the whole batch occupies: LOG_OVERHEAD + batchLength. */
  size: number
}

function readInt64AsNumber(buf: Buffer, at: number): number {
  // high word signed, low word unsigned: exact below 2^53, which covers timestamps
  return buf.readInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4)
}

/**
 * Reads the 61-byte header of the batch at `offset` without touching its
 * records, which need not be present or valid: the broker's produce path needs
 * only this. Checks that the header is there, the magic is 2 and batchLength is
 * at least a header's worth. It does not check that the whole batch is present,
 * nor interpret the attributes beyond splitting their bits: a corrupted batch
 * should be reported as corrupt by the CRC check, not misdiagnosed from a
 * garbled field (see `validateBatch`).
 */
export function readBatchHeader(buf: Buffer, offset = 0): RecordBatchHeader {
  if (!Number.isInteger(offset) || offset < 0 || offset > buf.length) {
    throw new ProtocolError(`record batch offset ${offset} outside a buffer of ${buf.length} bytes`)
  }
  const available = buf.length - offset
  if (available >= HEADER_BYTES_UP_TO_MAGIC) {
    const magic = buf.readInt8(offset + BatchLayout.MAGIC)
    if (magic !== CURRENT_MAGIC) {
      throw new ProtocolError(`unsupported record format: magic ${magic} (only magic 2 batches are read)`)
    }
  }
  if (available < BATCH_HEADER_BYTES) {
    throw new ProtocolError(`truncated record batch header: ${available} of ${BATCH_HEADER_BYTES} bytes`)
  }
  const batchLength = buf.readInt32BE(offset + BatchLayout.BATCH_LENGTH)
  if (batchLength < MIN_BATCH_LENGTH) {
    throw new ProtocolError(`record batch length ${batchLength} is below the minimum ${MIN_BATCH_LENGTH}`)
  }
  const attributes = buf.readInt16BE(offset + BatchLayout.ATTRIBUTES)
  return {
    baseOffset: buf.readBigInt64BE(offset + BatchLayout.BASE_OFFSET),
    batchLength,
    partitionLeaderEpoch: buf.readInt32BE(offset + BatchLayout.PARTITION_LEADER_EPOCH),
    magic: CURRENT_MAGIC,
    crc: buf.readUInt32BE(offset + BatchLayout.CRC),
    attributes,
    compression: attributes & COMPRESSION_TYPE_MASK,
    timestampType: attributes & TIMESTAMP_TYPE_BIT ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    isTransactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    isControl: (attributes & CONTROL_BIT) !== 0,
    lastOffsetDelta: buf.readInt32BE(offset + BatchLayout.LAST_OFFSET_DELTA),
    baseTimestamp: readInt64AsNumber(buf, offset + BatchLayout.BASE_TIMESTAMP),
    maxTimestamp: readInt64AsNumber(buf, offset + BatchLayout.MAX_TIMESTAMP),
    producerId: buf.readBigInt64BE(offset + BatchLayout.PRODUCER_ID),
    producerEpoch: buf.readInt16BE(offset + BatchLayout.PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(offset + BatchLayout.BASE_SEQUENCE),
    recordCount: buf.readInt32BE(offset + BatchLayout.RECORD_COUNT),
    size: LOG_OVERHEAD + batchLength,
  }
}

/** The header of the batch at `offset`, after checking the whole batch is in `buf`. */
function completeBatchHeader(buf: Buffer, offset: number): RecordBatchHeader {
  const header = readBatchHeader(buf, offset)
  if (header.size > buf.length - offset) {
    throw new ProtocolError(
      `truncated record batch: ${header.size} bytes declared, ${buf.length - offset} present`,
    )
  }
  return header
}

function completeBatchEnd(buf: Buffer, offset: number): number {
  return offset + completeBatchHeader(buf, offset).size
}

/** CRC32C over attributes..end of the batch at `offset`, as it should be stored. */
export function computeBatchCrc(buf: Buffer, offset = 0): number {
  const end = completeBatchEnd(buf, offset)
  return crc32c(buf.subarray(offset + BatchLayout.ATTRIBUTES, end))
}

function checkCrc(buf: Buffer, offset: number, end: number): void {
  const actual = crc32c(buf.subarray(offset + BatchLayout.ATTRIBUTES, end))
  const expected = buf.readUInt32BE(offset + BatchLayout.CRC)
  if (actual !== expected) {
    throw new CorruptRecordError(
      `record batch CRC mismatch: stored 0x${expected.toString(16)}, computed 0x${actual.toString(16)}`,
      expected,
      actual,
    )
  }
}

/**
 * Throws CorruptRecordError unless the stored CRC matches the batch's bytes.
 * Compressed batches are checked as they are; nothing is decompressed.
 */
export function verifyBatchCrc(buf: Buffer, offset = 0): void {
  checkCrc(buf, offset, completeBatchEnd(buf, offset))
}

/**
 * Everything the broker checks before appending a batch verbatim, without
 * reading records or decompressing: the batch is complete, its CRC matches
 * (checked first, so corruption is reported as such), its compression type is
 * one Kafka defines and its record count is not negative.
 */
export function validateBatch(
  buf: Buffer,
  offset = 0,
  options: { verifyCrc?: boolean } = {},
): RecordBatchHeader {
  const header = completeBatchHeader(buf, offset)
  if (options.verifyCrc !== false) checkCrc(buf, offset, offset + header.size)
  compressionCodec(header.compression)
  if (header.recordCount < 0) throw new ProtocolError(`negative record count ${header.recordCount}`)
  return header
}

function checkHeaderPresent(buf: Buffer, offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || buf.length - offset < BATCH_HEADER_BYTES) {
    throw new ProtocolError(`no record batch header at ${offset} in a buffer of ${buf.length} bytes`)
  }
}

/** Rewrites the base offset in place (the broker assigns offsets on append); the CRC stays valid. */
export function setBaseOffset(buf: Buffer, offset: number, baseOffset: bigint): void {
  checkHeaderPresent(buf, offset)
  buf.writeBigInt64BE(baseOffset, offset + BatchLayout.BASE_OFFSET)
}

/** Rewrites the partition leader epoch in place; the CRC stays valid. */
export function setPartitionLeaderEpoch(buf: Buffer, offset: number, epoch: number): void {
  checkHeaderPresent(buf, offset)
  buf.writeInt32BE(epoch, offset + BatchLayout.PARTITION_LEADER_EPOCH)
}

/** What a producer decides of a batch's header; the length and CRC follow from the bytes. */
export interface BatchHeaderFields {
  readonly baseOffset: bigint
  readonly partitionLeaderEpoch: number
  /** Compression type and the timestamp-type, transactional and control bits. */
  readonly attributes: number
  readonly lastOffsetDelta: number
  readonly baseTimestamp: number
  readonly maxTimestamp: number
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly baseSequence: number
  readonly recordCount: number
}

/**
 * Fills in the fixed header of a whole batch (its first 61 bytes; the
 * records follow) and seals it with the CRC over everything from the
 * attributes on. Used by every encoder so the layout lives in one place.
 */
export function writeBatchHeader(batch: Buffer, h: BatchHeaderFields): void {
  batch.writeBigInt64BE(h.baseOffset, BatchLayout.BASE_OFFSET)
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BatchLayout.BATCH_LENGTH)
  batch.writeInt32BE(h.partitionLeaderEpoch, BatchLayout.PARTITION_LEADER_EPOCH)
  batch.writeInt8(CURRENT_MAGIC, BatchLayout.MAGIC)
  batch.writeInt16BE(h.attributes, BatchLayout.ATTRIBUTES)
  batch.writeInt32BE(h.lastOffsetDelta, BatchLayout.LAST_OFFSET_DELTA)
  batch.writeBigInt64BE(BigInt(h.baseTimestamp), BatchLayout.BASE_TIMESTAMP)
  batch.writeBigInt64BE(BigInt(h.maxTimestamp), BatchLayout.MAX_TIMESTAMP)
  batch.writeBigInt64BE(h.producerId, BatchLayout.PRODUCER_ID)
  batch.writeInt16BE(h.producerEpoch, BatchLayout.PRODUCER_EPOCH)
  batch.writeInt32BE(h.baseSequence, BatchLayout.BASE_SEQUENCE)
  batch.writeInt32BE(h.recordCount, BatchLayout.RECORD_COUNT)
  batch.writeUInt32BE(crc32c(batch.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC)
}
