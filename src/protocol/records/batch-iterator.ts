import { ProtocolError } from '../protocol-error.js'
import {
  BatchLayout,
  LOG_OVERHEAD,
  MIN_BATCH_LENGTH,
  type RecordBatchHeader,
  readBatchHeader,
} from './batch-header.js'

/** Where one complete batch sits in a records blob, with its header. */
export interface BatchSpan {
  /** Position of the batch's first byte in the blob. */
  offset: number
  /** Bytes it occupies (LOG_OVERHEAD + batchLength). */
  size: number
  header: RecordBatchHeader
}

/** How a walk over a records blob ended. */
export interface BatchWalkEnd {
  /** Complete batches seen. */
  batchCount: number
  /** Position just after the last complete batch. */
  end: number
  /**
   * Bytes after the last complete batch that do not form a whole batch. A fetch
   * response may legitimately end with part of a batch (the broker cuts at the
   * size limit), so this is reported rather than thrown; the consumer fetches
   * again from the next offset.
   */
  truncatedBytes: number
}

/**
 * Walks a blob of concatenated batches (a Fetch or Produce `records` field),
 * yielding each complete batch's header without reading its records. The walk
 * stops cleanly at a partial trailing batch and returns how it ended. A
 * batchLength that is negative or too small for a header cannot be a cut-off
 * batch, only a broken one, and is a ProtocolError.
 */
export function* iterateBatches(records: Buffer, start = 0): Generator<BatchSpan, BatchWalkEnd, undefined> {
  if (!Number.isInteger(start) || start < 0 || start > records.length) {
    throw new ProtocolError(`batch walk start ${start} outside a buffer of ${records.length} bytes`)
  }
  let at = start
  let batchCount = 0
  while (records.length - at >= LOG_OVERHEAD) {
    const batchLength = records.readInt32BE(at + BatchLayout.BATCH_LENGTH)
    if (batchLength < MIN_BATCH_LENGTH) {
      throw new ProtocolError(
        `record batch at ${at} has length ${batchLength}, below the minimum ${MIN_BATCH_LENGTH}`,
      )
    }
    const size = LOG_OVERHEAD + batchLength
    if (size > records.length - at) break
    yield { offset: at, size, header: readBatchHeader(records, at) }
    batchCount++
    at += size
  }
  return { batchCount, end: at, truncatedBytes: records.length - at }
}

/** Calls `visit` for each complete batch in the blob; see `iterateBatches`. */
export function forEachBatch(records: Buffer, visit: (span: BatchSpan) => void, start = 0): BatchWalkEnd {
  const walk = iterateBatches(records, start)
  for (;;) {
    const step = walk.next()
    if (step.done) return step.value
    visit(step.value)
  }
}
