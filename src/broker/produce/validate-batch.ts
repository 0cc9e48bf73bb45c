import { ErrorCode } from '../../protocol/error-codes.js'
import { CorruptRecordError, ProtocolError } from '../../protocol/protocol-error.js'
import {
  type RecordBatchHeader,
  readBatchHeader,
  verifyBatchCrc,
} from '../../protocol/records/batch-header.js'
import { CompressionType } from '../../protocol/records/compression/index.js'

const KNOWN_COMPRESSION = new Set<number>([
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
])

export type BatchCheck =
  | { ok: true; header: RecordBatchHeader }
  | { ok: false; errorCode: number; message: string }

const fail = (errorCode: number, message: string): BatchCheck => ({ ok: false, errorCode, message })

/**
 * Checks the one record batch a v3+ produce carries for a partition, from its
 * header and CRC alone (nothing is decompressed): magic 2, the declared
 * length equal to the bytes sent, the CRC, a base offset of 0 as producers
 * write it, a record count that matches the last offset delta, and the
 * topic's `max.message.bytes`.
 */
export function validateProducedBatch(records: Buffer | null, maxMessageBytes: number): BatchCheck {
  if (records === null || records.length === 0)
    return fail(ErrorCode.INVALID_RECORD, 'Produce request carries no record batch')
  let header: RecordBatchHeader
  try {
    header = readBatchHeader(records, 0)
  } catch (err) {
    const message = (err as Error).message
    if (/magic/.test(message)) return fail(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, message)
    return fail(ErrorCode.CORRUPT_MESSAGE, message)
  }
  if (header.size > records.length) {
    return fail(
      ErrorCode.CORRUPT_MESSAGE,
      `Record batch declares ${header.size} bytes but ${records.length} were sent`,
    )
  }
  if (header.size < records.length) {
    return fail(
      ErrorCode.INVALID_RECORD,
      'Produce requests with version 3+ must contain exactly one record batch per partition',
    )
  }
  if (header.size > maxMessageBytes) {
    return fail(
      ErrorCode.MESSAGE_TOO_LARGE,
      `Record batch of ${header.size} bytes exceeds max.message.bytes ${maxMessageBytes}`,
    )
  }
  try {
    verifyBatchCrc(records, 0)
  } catch (err) {
    if (err instanceof CorruptRecordError || err instanceof ProtocolError)
      return fail(ErrorCode.CORRUPT_MESSAGE, err.message)
    throw err
  }
  if (header.baseOffset !== 0n)
    return fail(ErrorCode.INVALID_RECORD, `Record batch base offset must be 0, got ${header.baseOffset}`)
  if (header.recordCount <= 0) return fail(ErrorCode.INVALID_RECORD, 'Record batch holds no records')
  if (header.recordCount !== header.lastOffsetDelta + 1) {
    return fail(
      ErrorCode.INVALID_RECORD,
      `Record count ${header.recordCount} does not match last offset delta ${header.lastOffsetDelta}`,
    )
  }
  if (header.isControl) return fail(ErrorCode.INVALID_RECORD, 'Clients may not write control batches')
  if (!KNOWN_COMPRESSION.has(header.compression)) {
    return fail(ErrorCode.CORRUPT_MESSAGE, `Unknown compression type ${header.compression}`)
  }
  return { ok: true, header }
}
