import {
  type RecordBatchHeader,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from '../../protocol/records/batch-header.js'
import { assertAppendable } from './append-check.js'
import { BatchArena, OWN_MEMORY } from './batch-arena.js'
import type { BudgetedLog, MemoryBudget } from './memory-budget.js'
import type { AppendBatchInfo, LogSettings, PartitionLog, PartitionLogOptions } from './partition-log.js'
import { firstAtOrAfter } from './sorted-search.js'
import { TimeIndex } from './time-index.js'

/**
 * The memory engine: batches in arrays ordered by offset, for brokers started
 * without a data directory. Offsets are contiguous (each batch takes
 * `offsetCount` offsets after the previous one), so the batch holding an
 * offset is found by binary search on last offsets.
 *
 * Batch bytes live in a BatchArena (batch-arena.ts). Retention and
 * DeleteRecords drop whole batches from the front. The batch that straddles
 * the log start stays, so the first stored batch always holds or follows the
 * log start offset. With a MemoryBudget (memory-budget.ts) every change in
 * what the log holds is reported to it, and it may ask the log to release
 * its oldest batches.
 */
/**
 * What one stored batch costs besides its bytes in the arena: its view
 * object, five array slots and the time index. Measured at 150 to 186 bytes
 * of V8 heap per batch (Node 20, batches of 1 to 100 records); rounded up.
 */
export const BATCH_OVERHEAD_BYTES = 192

export class MemoryPartitionLog implements PartitionLog, BudgetedLog {
  private readonly arena = new BatchArena()
  private batches: Buffer[] = []
  /** The arena chunk each batch lives in (OWN_MEMORY for a large batch), non-decreasing otherwise. */
  private chunkIds: number[] = []
  private baseOffsets: number[] = []
  private lastOffsets: number[] = []
  private maxTimestamps: number[] = []
  /**
   * Running maximum of batch max timestamps from the first stored batch; its
   * `offset` column holds positions in the arrays above. Rebuilt when batches
   * are dropped, because a dropped batch may have held the maximum.
   */
  private timeIndex = new TimeIndex()
  private startOffset = 0
  private endOffset = 0
  private bytes = 0
  private settings: LogSettings
  private readonly leaderEpoch: number
  private closed = false

  /** Detached once the log is closed or destroyed: it then holds nothing the budget counts. */
  private budget: MemoryBudget | undefined

  constructor(
    options: Pick<PartitionLogOptions, 'retention' | 'segment' | 'leaderEpoch' | 'memoryBudget' | 'name'>,
  ) {
    this.settings = { retention: options.retention, segment: options.segment }
    this.leaderEpoch = options.leaderEpoch ?? 0
    this.budget = options.memoryBudget
    this.budget?.register(this, options.name ?? 'partition')
  }

  get heldBytes(): number {
    return this.arena.allocatedBytes + this.batches.length * BATCH_OVERHEAD_BYTES
  }

  get logStartOffset(): number {
    return this.startOffset
  }

  get logEndOffset(): number {
    return this.endOffset
  }

  get sizeBytes(): number {
    return this.bytes
  }

  append(batch: Buffer, info: AppendBatchInfo): number {
    if (this.closed) throw new Error('partition log is closed')
    assertAppendable(batch, info)
    const baseOffset = this.endOffset
    setBaseOffset(batch, 0, BigInt(baseOffset))
    setPartitionLeaderEpoch(batch, 0, info.leaderEpoch ?? this.leaderEpoch)
    const heldBefore = this.heldBytes
    const { stored, chunk } = this.arena.store(batch)
    const position = this.batches.length
    this.batches.push(stored)
    this.chunkIds.push(chunk)
    this.baseOffsets.push(baseOffset)
    this.lastOffsets.push(baseOffset + info.offsetCount - 1)
    this.maxTimestamps.push(info.maxTimestamp)
    this.timeIndex.observe(info.maxTimestamp, position)
    this.endOffset = baseOffset + info.offsetCount
    this.bytes += stored.length
    // last: the budget may release older batches of this very log
    this.budget?.changed(this.heldBytes - heldBefore)
    return baseOffset
  }

  read(offset: number, maxBytes: number): Buffer[] {
    const first = firstAtOrAfter(this.lastOffsets, offset)
    const out: Buffer[] = []
    let total = 0
    for (let i = first; i < this.batches.length; i++) {
      const batch = this.batches[i]
      if (out.length > 0 && total + batch.length > maxBytes) break
      out.push(batch)
      total += batch.length
    }
    return out
  }

  batchForTimestamp(timestamp: number): Buffer | null {
    const position = this.timeIndex.firstAtOrAfter(timestamp)
    return position === null ? null : this.batches[position]
  }

  batchWithMaxTimestamp(): Buffer | null {
    const last = this.timeIndex.last()
    return last === null ? null : this.batches[last.offset]
  }

  forEachBatchHeader(visit: (header: RecordBatchHeader) => void): void {
    for (const batch of this.batches) visit(readBatchHeader(batch))
  }

  deleteRecordsBefore(offset: number): number {
    const target = Math.min(offset, this.endOffset)
    if (target <= this.startOffset) return this.startOffset
    this.startOffset = target
    // batches ending below the new start go; the one straddling it stays
    this.dropFirst(firstAtOrAfter(this.lastOffsets, target))
    return this.startOffset
  }

  applyRetention(nowMs: number): number {
    const { retentionMs, retentionBytes } = this.settings.retention
    let drop = 0
    if (retentionMs >= 0) {
      // like Kafka's segments, only the oldest go: a newer batch with an old timestamp waits its turn
      while (drop < this.batches.length && nowMs - this.maxTimestamps[drop] > retentionMs) drop++
    }
    if (retentionBytes >= 0) {
      // Kafka's rule: drop the oldest only while what remains still holds retention.bytes
      let remaining = this.bytes
      for (let i = 0; i < drop; i++) remaining -= this.batches[i].length
      while (drop < this.batches.length && remaining - this.batches[drop].length >= retentionBytes) {
        remaining -= this.batches[drop].length
        drop++
      }
    }
    if (drop === 0) return 0
    const before = this.bytes
    this.dropFirst(drop)
    this.startOffset = Math.max(this.startOffset, this.baseOffsets[0] ?? this.endOffset)
    return before - this.bytes
  }

  releaseOldest(wanted: number): { bytes: number; batches: number; logStartOffset: number } {
    // whole chunks are what frees memory: count batches until the chunks they empty hold enough
    let count = 0
    let freed = 0
    const newest = this.arena.newestChunk
    // batches in the chunk being filled stay (dropping them would free nothing), and so does the
    // newest batch: as Kafka's retention keeps the active segment
    while (count < this.batches.length - 1 && this.chunkIds[count] !== newest && freed < wanted) {
      const chunk = this.chunkIds[count]
      freed += BATCH_OVERHEAD_BYTES
      if (chunk === OWN_MEMORY) freed += this.batches[count].length
      else if (this.nextChunkAfter(count) > chunk) freed += this.batches[count].buffer.byteLength
      count++
    }
    const before = this.heldBytes
    if (count > 0) {
      this.dropFirst(count)
      this.startOffset = Math.max(this.startOffset, this.baseOffsets[0])
    }
    return { bytes: before - this.heldBytes, batches: count, logStartOffset: this.startOffset }
  }

  /** The chunk of the first arena-stored batch after position `i` (Infinity when there is none). */
  private nextChunkAfter(i: number): number {
    for (let j = i + 1; j < this.chunkIds.length; j++)
      if (this.chunkIds[j] !== OWN_MEMORY) return this.chunkIds[j]
    return Number.POSITIVE_INFINITY
  }

  configure(settings: LogSettings): void {
    this.settings = settings
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true
    // what a closed log holds no longer counts against the budget (the broker is going away)
    this.budget?.changed(-this.heldBytes)
    this.detachBudget()
  }

  async destroy(): Promise<void> {
    this.closed = true
    this.dropFirst(this.batches.length)
    this.detachBudget()
  }

  private detachBudget(): void {
    this.budget?.unregister(this)
    this.budget = undefined
  }

  private dropFirst(count: number): void {
    if (count <= 0) return
    const heldBefore = this.heldBytes
    for (let i = 0; i < count; i++) {
      this.bytes -= this.batches[i].length
      if (this.chunkIds[i] === OWN_MEMORY) this.arena.releaseOwn(this.batches[i].length)
    }
    if (count === this.batches.length) {
      this.arena.clear()
    } else {
      this.arena.freeBefore(this.nextChunkAfter(count - 1))
    }
    this.batches.splice(0, count)
    this.chunkIds.splice(0, count)
    this.baseOffsets.splice(0, count)
    this.lastOffsets.splice(0, count)
    this.maxTimestamps.splice(0, count)
    this.timeIndex = new TimeIndex()
    for (let i = 0; i < this.maxTimestamps.length; i++) this.timeIndex.observe(this.maxTimestamps[i], i)
    this.budget?.changed(this.heldBytes - heldBefore)
  }
}
