import type { RecordHeader } from '../../../protocol/records/index.js'
import { decodeRecordBatch, iterateBatches } from '../../../protocol/records/index.js'

/**
 * A record between fetch and finish: what the handler will get, what it
 * costs in the buffer, and its place in its partition's bookkeeping (set
 * when it is queued). One object per record, made once, of one shape:
 * this runs for every record consumed.
 */
export class FetchedRecord {
  /** Its place in the partition's offset tracker. */
  slot = -1
  /** The partition's epoch when it was queued: a seek or revoke since makes it stale. */
  epoch = -1
  /** Its offset counts as done (finished, dropped, or settled early by commit `auto`). */
  settled = false

  constructor(
    readonly offset: number,
    readonly timestamp: number,
    readonly key: Buffer | null,
    readonly value: Buffer | null,
    readonly headers: readonly RecordHeader[],
    readonly leaderEpoch: number,
    /** Bytes counted against the buffers: key, value and headers, plus the record's bookkeeping. */
    readonly size: number,
    /** The key as text, for key ordering and conflation. */
    readonly keyText: string | null,
  ) {}
}

/**
 * What a decoded record costs beside its key and value bytes: the object,
 * its two Buffer views, the key text, its header list and its slot, plus
 * its framing in the fetched bytes it keeps alive. Measured on Node 20 x64
 * at 350-370 bytes of heap per record, more in a process under load
 * (test/client/consumer/fetch/fetched-record-cost.test.ts: 384 left 5 % and
 * failed once in a full test run); counting 96 let a buffer of small
 * records hold twice its maxBufferedBytes.
 */
export const RECORD_OVERHEAD = 448

/** Transactions a Fetch answer says were aborted in the range it returned (read_committed). */
export interface AbortedTransaction {
  readonly producerId: bigint
  readonly firstOffset: bigint
}

export interface DecodedFetch {
  readonly records: FetchedRecord[]
  /** Where the next fetch starts: after the last complete batch, control batches and skipped records included. */
  readonly nextOffset: number
}

/**
 * The records of one partition's Fetch answer at or after `position`, in
 * order. Control batches (transaction markers) are skipped; with
 * read_committed, so are the batches of transactions the answer lists as
 * aborted, from their first offset to their abort marker. A batch cut off
 * at the end of the answer is left for the next fetch.
 */
export function decodeFetched(
  records: Buffer,
  position: number,
  aborted: readonly AbortedTransaction[] | null,
): DecodedFetch {
  const out: FetchedRecord[] = []
  let next = position
  // producers whose transaction is aborted from some offset on, until their marker
  const abortedFrom = new Map<bigint, bigint>()
  const pendingAborts = aborted ? [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1)) : []
  for (const span of iterateBatches(records)) {
    const h = span.header
    const lastOffset = Number(h.baseOffset) + h.lastOffsetDelta
    while (
      pendingAborts.length > 0 &&
      pendingAborts[0].firstOffset <= h.baseOffset + BigInt(h.lastOffsetDelta)
    ) {
      const a = pendingAborts.shift()!
      abortedFrom.set(a.producerId, a.firstOffset)
    }
    if (lastOffset < next) continue
    if (h.isControl) {
      // an abort (or commit) marker ends that producer's transaction
      abortedFrom.delete(h.producerId)
      next = lastOffset + 1
      continue
    }
    if (h.isTransactional && aborted !== null) {
      const from = abortedFrom.get(h.producerId)
      if (from !== undefined && h.baseOffset >= from) {
        next = lastOffset + 1
        continue
      }
    }
    const batch = decodeRecordBatch(records.subarray(span.offset, span.offset + span.size))
    for (const r of batch.records) {
      if (r.offset < next) continue
      let size = RECORD_OVERHEAD + (r.key?.length ?? 0) + (r.value?.length ?? 0)
      for (const header of r.headers) size += header.key.length + (header.value?.length ?? 0) + 16
      const keyText = r.key === null ? null : r.key.toString('latin1')
      out.push(
        new FetchedRecord(
          r.offset,
          r.timestamp,
          r.key,
          r.value,
          r.headers,
          h.partitionLeaderEpoch,
          size,
          keyText,
        ),
      )
    }
    next = lastOffset + 1
  }
  return { records: out, nextOffset: next }
}
