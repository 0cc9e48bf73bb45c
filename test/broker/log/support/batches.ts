import type { AppendBatchInfo } from '../../../../src/broker/log/partition-log.js'
import { readBatchHeader } from '../../../../src/protocol/records/batch-header.js'
import { decodeRecordBatch, encodeRecordBatch } from '../../../../src/protocol/records/record-batch.js'

export interface TestBatch {
  batch: Buffer
  info: AppendBatchInfo
}

export interface BatchShape {
  /** Records in the batch (default 1). */
  records?: number
  /** Bytes of each record's value, at least 8 (default 10). */
  valueBytes?: number
  /** Timestamp of every record, so the batch's max timestamp (default 1_000). */
  timestamp?: number
  /** Written into each value, to recognise a batch after reading it back. */
  tag?: number
}

/** A produced batch as a client sends it (base offset 0), with what the produce path tells the log. */
export function makeBatch(shape: BatchShape = {}): TestBatch {
  const count = shape.records ?? 1
  const timestamp = shape.timestamp ?? 1_000
  const records = Array.from({ length: count }, (_, i) => {
    const value = Buffer.alloc(Math.max(shape.valueBytes ?? 10, 8), 0x61 + (i % 26))
    value.writeUInt32BE((shape.tag ?? 0) >>> 0, 0)
    value.writeUInt32BE(i, 4)
    return { value, timestamp }
  })
  const batch = encodeRecordBatch(records, { now: () => timestamp })
  const header = readBatchHeader(batch)
  return { batch, info: { offsetCount: header.lastOffsetDelta + 1, maxTimestamp: header.maxTimestamp } }
}

/** The tag `makeBatch` wrote, decoded from a stored batch (which also checks its CRC). */
export function tagOf(stored: Buffer): number {
  const value = decodeRecordBatch(stored).records[0].value
  if (!value) throw new Error('batch without a value')
  return value.readUInt32BE(0)
}
