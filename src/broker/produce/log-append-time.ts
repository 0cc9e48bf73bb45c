import { BatchLayout, TIMESTAMP_TYPE_BIT } from '../../protocol/records/batch-header.js'
import { crc32c } from '../../protocol/records/crc32c.js'

/**
 * For topics with `message.timestamp.type=LogAppendTime`: marks the batch as
 * stamped by the broker and sets its max timestamp to the append time. Only
 * header fields change, so the records stay untouched (no decompression), but
 * they sit inside the CRC, which is recomputed.
 */
export function stampLogAppendTime(batch: Buffer, nowMs: number): void {
  const attributes = batch.readInt16BE(BatchLayout.ATTRIBUTES)
  batch.writeInt16BE(attributes | TIMESTAMP_TYPE_BIT, BatchLayout.ATTRIBUTES)
  batch.writeBigInt64BE(BigInt(nowMs), BatchLayout.MAX_TIMESTAMP)
  batch.writeUInt32BE(crc32c(batch.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC)
}
