import {
  type RecordBatchHeader,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from '../../protocol/records/batch-header.js'
import { assertAppendable } from './append-check.js'
import type { AppendBatchInfo, LogSettings, PartitionLog, PartitionLogOptions } from './partition-log.js'
import { firstAtOrAfter } from './sorted-search.js'
import { TimeIndex } from './time-index.js'

/**
 * The memory engine: batches in arrays ordered by offset, for brokers started
 * without a data directory. Offsets are contiguous (each batch takes
 * `offsetCount` offsets after the previous one), so the batch holding an
 * offset is found by binary search on last offsets.
 *
 * Retention and DeleteRecords drop whole batches from the front. The batch
 * that straddles the log start stays, so the first stored batch always holds
 * or follows the log start offset.
 */
export class MemoryPartitionLog implements PartitionLog {
  private batches: Buffer[] = []
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

  constructor(options: Pick<PartitionLogOptions, 'retention' | 'segment' | 'leaderEpoch'>) {
    this.settings = { retention: options.retention, segment: options.segment }
    this.leaderEpoch = options.leaderEpoch ?? 0
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
    // a batch cut out of a larger request buffer would keep all of that buffer alive; the copy
    // gets memory of its own, since Buffer.from puts small copies in Node's shared 8 KiB pool
    // and one stored 100-byte batch would then pin a whole pool block
    const stored =
      batch.byteOffset === 0 && batch.byteLength === batch.buffer.byteLength ? batch : ownCopy(batch)
    const position = this.batches.length
    this.batches.push(stored)
    this.baseOffsets.push(baseOffset)
    this.lastOffsets.push(baseOffset + info.offsetCount - 1)
    this.maxTimestamps.push(info.maxTimestamp)
    this.timeIndex.observe(info.maxTimestamp, position)
    this.endOffset = baseOffset + info.offsetCount
    this.bytes += stored.length
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

  configure(settings: LogSettings): void {
    this.settings = settings
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true
  }

  async destroy(): Promise<void> {
    this.closed = true
    this.dropFirst(this.batches.length)
  }

  private dropFirst(count: number): void {
    if (count <= 0) return
    for (let i = 0; i < count; i++) this.bytes -= this.batches[i].length
    this.batches.splice(0, count)
    this.baseOffsets.splice(0, count)
    this.lastOffsets.splice(0, count)
    this.maxTimestamps.splice(0, count)
    this.timeIndex = new TimeIndex()
    for (let i = 0; i < this.maxTimestamps.length; i++) this.timeIndex.observe(this.maxTimestamps[i], i)
  }
}

function ownCopy(batch: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(batch.length)
  batch.copy(copy)
  return copy
}
