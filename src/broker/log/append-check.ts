import { BATCH_HEADER_BYTES, BatchLayout, LOG_OVERHEAD } from '../../protocol/records/batch-header.js'
import type { AppendBatchInfo } from './partition-log.js'

/**
 * Guards the log's own invariants, not the batch's validity (the produce path
 * checked header and CRC): the buffer must be exactly one batch, since stray
 * bytes after it would read as a corrupt batch and cut the log at recovery,
 * and it must take at least one offset, or two batches would share one.
 */
export function assertAppendable(batch: Buffer, info: AppendBatchInfo): void {
  if (batch.length < BATCH_HEADER_BYTES) {
    throw new Error(`cannot append ${batch.length} bytes: a record batch is at least ${BATCH_HEADER_BYTES}`)
  }
  const declared = LOG_OVERHEAD + batch.readInt32BE(BatchLayout.BATCH_LENGTH)
  if (declared !== batch.length) {
    throw new Error(`cannot append ${batch.length} bytes holding a batch that declares ${declared}`)
  }
  if (!Number.isInteger(info.offsetCount) || info.offsetCount < 1) {
    throw new Error(`cannot append a batch taking ${info.offsetCount} offsets`)
  }
  // recovery counts offsets from the header, so the two must agree or offsets would shift on restart
  const fromHeader = batch.readInt32BE(BatchLayout.LAST_OFFSET_DELTA) + 1
  if (fromHeader !== info.offsetCount) {
    throw new Error(`batch header spans ${fromHeader} offsets but the append claims ${info.offsetCount}`)
  }
}
