export {
  BATCH_HEADER_BYTES,
  type BatchHeaderFields,
  BatchLayout,
  CONTROL_BIT,
  CURRENT_MAGIC,
  computeBatchCrc,
  DELETE_HORIZON_BIT,
  LOG_OVERHEAD,
  MIN_BATCH_LENGTH,
  type RecordBatchHeader,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
  TIMESTAMP_TYPE_BIT,
  TimestampType,
  TRANSACTIONAL_BIT,
  validateBatch,
  verifyBatchCrc,
  writeBatchHeader,
} from './batch-header.js'
export { type BatchSpan, type BatchWalkEnd, forEachBatch, iterateBatches } from './batch-iterator.js'
export {
  COMPRESSION_TYPE_MASK,
  type CompressionCodec,
  CompressionType,
  compressionCodec,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
} from './compression/index.js'
export { crc32c } from './crc32c.js'
export type { DecodedRecord, RecordHeader, RecordHeaderInput, RecordInput } from './record.js'
export {
  type DecodeRecordBatchOptions,
  decodeRecordBatch,
  decodeRecordBatchAsync,
  encodeRecordBatch,
  encodeRecordBatchAsync,
  type RecordBatch,
  type RecordBatchOptions,
} from './record-batch.js'
export { RecordBatchBuilder, type SealOptions } from './record-batch-builder.js'
