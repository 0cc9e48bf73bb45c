import type { PartitionLog } from '../log/partition-log.js'

/** One leader epoch and the first offset written (or to be written) under it. */
export interface EpochEntry {
  readonly epoch: number
  readonly startOffset: number
}

/** OffsetForLeaderEpoch's answer: the epoch found and where it ends; -1 / -1 when unknown. */
export interface EpochEndOffset {
  readonly leaderEpoch: number
  readonly endOffset: number
}

const UNDEFINED: EpochEndOffset = { leaderEpoch: -1, endOffset: -1 }

/** What handlers ask of a partition's epoch history. */
export interface LeaderEpochLookup {
  /** Kafka's `LeaderEpochFileCache.endOffsetFor`, given the log's current bounds. */
  endOffsetFor(requestedEpoch: number, logStartOffset: number, logEndOffset: number): EpochEndOffset
  /** Epoch under which `offset` was written: the latest entry starting at or before it; -1 when none. */
  epochForOffset(offset: number, logStartOffset: number): number
}

/**
 * A partition's leader epochs and where each began, kept as Kafka's
 * leader-epoch cache keeps them: an epoch is assigned when a leader takes
 * over, at the log end offset of that moment, and an entry that later
 * proves to hold no record (the next epoch starts at the same offset) is
 * dropped. So the history is exactly "every epoch that wrote records, plus
 * the current one", and can be rebuilt after a restart from the epoch each
 * stored batch carries in its header (`fromLog`).
 *
 * The log start offset is applied at query time, as Kafka's truncation from
 * the start would: entries wholly below it collapse into one starting there.
 */
export class LeaderEpochHistory implements LeaderEpochLookup {
  private entries: EpochEntry[] = []

  /**
   * Rebuilds the history from the epochs stamped in the stored batches'
   * headers (no record is read), then assigns `currentEpoch` at the log end,
   * which is what becoming leader at that epoch would have done.
   */
  static fromLog(log: PartitionLog, currentEpoch: number): LeaderEpochHistory {
    const history = new LeaderEpochHistory()
    log.forEachBatchHeader((header) => {
      if (header.partitionLeaderEpoch >= 0)
        history.assign(header.partitionLeaderEpoch, Number(header.baseOffset))
    })
    history.assign(currentEpoch, log.logEndOffset)
    return history
  }

  /** The entries, oldest first (before the log start is applied). */
  get all(): readonly EpochEntry[] {
    return this.entries
  }

  get latestEpoch(): number {
    return this.entries.at(-1)?.epoch ?? -1
  }

  /**
   * Records that `epoch` starts at `startOffset`. Nothing changes when it is
   * already the latest epoch at that or an earlier offset; otherwise entries
   * that would break monotonicity (an epoch not older, or a start not
   * earlier) are removed first, as Kafka's `assign` does.
   */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0 || startOffset < 0) return
    const last = this.entries.at(-1)
    if (last && last.epoch === epoch && last.startOffset <= startOffset) return
    while (this.entries.length > 0) {
      const tail = this.entries[this.entries.length - 1]
      if (tail.epoch < epoch && tail.startOffset < startOffset) break
      this.entries.pop()
    }
    this.entries.push({ epoch, startOffset })
  }

  endOffsetFor(requestedEpoch: number, logStartOffset: number, logEndOffset: number): EpochEndOffset {
    const entries = this.servedEntries(logStartOffset)
    if (requestedEpoch < 0 || entries.length === 0) return UNDEFINED
    const latest = entries[entries.length - 1]
    // the current epoch is still being written to: it ends at the log end
    if (requestedEpoch === latest.epoch) return { leaderEpoch: requestedEpoch, endOffset: logEndOffset }
    const higher = entries.findIndex((e) => e.epoch > requestedEpoch)
    // newer than any epoch known here
    if (higher < 0) return UNDEFINED
    // older than every epoch still held: its records are gone, the log resumes where the next epoch begins
    if (higher === 0) return { leaderEpoch: requestedEpoch, endOffset: entries[0].startOffset }
    // the largest epoch not after the one asked, ending where the next one starts
    return { leaderEpoch: entries[higher - 1].epoch, endOffset: entries[higher].startOffset }
  }

  epochForOffset(offset: number, logStartOffset: number): number {
    const entries = this.servedEntries(logStartOffset)
    let found = -1
    for (const e of entries) {
      if (e.startOffset > offset) break
      found = e.epoch
    }
    return found
  }

  /** The entries with the log start applied: those below it collapse into one starting at it. */
  private servedEntries(logStartOffset: number): readonly EpochEntry[] {
    let below = 0
    while (below < this.entries.length && this.entries[below].startOffset < logStartOffset) below++
    if (below === 0) return this.entries
    const straddling = this.entries[below - 1]
    const rest = this.entries.slice(below)
    if (rest.length > 0 && rest[0].startOffset === logStartOffset) return rest
    return [{ epoch: straddling.epoch, startOffset: logStartOffset }, ...rest]
  }
}
