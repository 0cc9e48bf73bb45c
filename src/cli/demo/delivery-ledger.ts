const ACKNOWLEDGED = 1
const PROCESSED = 2
const DROPPED = 4
const SKIPPED = 8
/** A record counts as finished once the consumer processed it, or a policy dropped or skipped it. */
const FINISHED = PROCESSED | DROPPED | SKIPPED

/** One byte of flags per offset, in chunks, so a long run costs a byte per record and nothing per gap. */
const CHUNK = 1 << 16

class PartitionFlags {
  private readonly chunks = new Map<number, Uint8Array>()

  /** Sets `flag`; returns the flags before. */
  set(offset: number, flag: number): number {
    const index = Math.floor(offset / CHUNK)
    let chunk = this.chunks.get(index)
    if (!chunk) {
      chunk = new Uint8Array(CHUNK)
      this.chunks.set(index, chunk)
    }
    const before = chunk[offset % CHUNK]
    chunk[offset % CHUNK] = before | flag
    return before
  }

  /** Every offset with a flag set, in order. */
  *entries(): Generator<[offset: number, flags: number]> {
    for (const index of [...this.chunks.keys()].sort((a, b) => a - b)) {
      const chunk = this.chunks.get(index)!
      for (let i = 0; i < CHUNK; i++) if (chunk[i] !== 0) yield [index * CHUNK + i, chunk[i]]
    }
  }
}

export interface LedgerCounts {
  /** Records the broker acknowledged to the producer. */
  readonly acknowledged: number
  /** Records whose handler succeeded, each counted once. */
  readonly processed: number
  /** Handler successes for a record that had succeeded before. */
  readonly duplicates: number
  /** Records an overflow strategy dropped (their offsets count as done). */
  readonly dropped: number
  /** Records the failure policy skipped after their last attempt. */
  readonly skipped: number
  /** Acknowledged records not finished (processed, dropped or skipped) yet: lost if still so at the end. */
  readonly outstanding: number
}

/**
 * The demo's own account of every record, by partition and offset, kept
 * apart from the client's counters so that it can catch the client out: a
 * record acknowledged to the producer and never finished by a consumer is
 * lost, one processed twice is a duplicate. Records can be seen in either
 * order (a consumer may handle a record before its acknowledgement arrives).
 */
export class DeliveryLedger {
  private readonly partitions = new Map<number, PartitionFlags>()
  private acknowledgedCount = 0
  private processedCount = 0
  private duplicateCount = 0
  private droppedCount = 0
  private skippedCount = 0
  /** Acknowledged records that are finished. */
  private finishedAcknowledged = 0

  acknowledged(partition: number, offset: number): void {
    const before = this.mark(partition, offset, ACKNOWLEDGED)
    if (before & ACKNOWLEDGED) return
    this.acknowledgedCount++
    if (before & FINISHED) this.finishedAcknowledged++
  }

  processed(partition: number, offset: number): void {
    const before = this.mark(partition, offset, PROCESSED)
    if (before & PROCESSED) {
      this.duplicateCount++
      return
    }
    this.processedCount++
    this.finishing(before)
  }

  dropped(partition: number, offset: number): void {
    const before = this.mark(partition, offset, DROPPED)
    if (before & DROPPED) return
    this.droppedCount++
    this.finishing(before)
  }

  skipped(partition: number, offset: number): void {
    const before = this.mark(partition, offset, SKIPPED)
    if (before & SKIPPED) return
    this.skippedCount++
    this.finishing(before)
  }

  counts(): LedgerCounts {
    return {
      acknowledged: this.acknowledgedCount,
      processed: this.processedCount,
      duplicates: this.duplicateCount,
      dropped: this.droppedCount,
      skipped: this.skippedCount,
      outstanding: this.acknowledgedCount - this.finishedAcknowledged,
    }
  }

  /** Acknowledged records not finished, in partition and offset order (the first `limit`). */
  unfinished(limit = Number.POSITIVE_INFINITY): { partition: number; offset: number }[] {
    const found: { partition: number; offset: number }[] = []
    for (const partition of [...this.partitions.keys()].sort((a, b) => a - b)) {
      for (const [offset, flags] of this.partitions.get(partition)!.entries()) {
        if (found.length >= limit) return found
        if (flags & ACKNOWLEDGED && !(flags & FINISHED)) found.push({ partition, offset })
      }
    }
    return found
  }

  /**
   * Acknowledged records below `committed` that were not finished: a
   * commit past unfinished work, which the consumer must never make.
   */
  unfinishedBelow(partition: number, committed: number): number {
    const flags = this.partitions.get(partition)
    if (!flags) return 0
    let n = 0
    for (const [offset, f] of flags.entries()) {
      if (offset >= committed) break
      if (f & ACKNOWLEDGED && !(f & FINISHED)) n++
    }
    return n
  }

  private finishing(before: number): void {
    if (before & ACKNOWLEDGED && !(before & FINISHED)) this.finishedAcknowledged++
  }

  private mark(partition: number, offset: number, flag: number): number {
    let flags = this.partitions.get(partition)
    if (!flags) {
      flags = new PartitionFlags()
      this.partitions.set(partition, flags)
    }
    return flags.set(offset, flag)
  }
}
