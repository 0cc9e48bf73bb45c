/**
 * One byte budget over every partition the memory engine holds. Without it
 * a memory broker keeps each record for the whole retention time (7 days by
 * default) and a long demo or test run grows without limit.
 *
 * Memory logs report what they hold (their arena chunks and per-batch bookkeeping);
 * when the total passes the budget, the budget takes the partitions holding
 * the most down to a common level, oldest batches first, until the total is
 * back under LOW_WATER of the budget. Largest first rather than globally
 * oldest: the partitions that fill memory pay for it, while a quiet topic
 * (a few config or control records that consumers read from the start)
 * keeps its history however old it is. Each log keeps its newest batch, as
 * Kafka's retention never deletes the active segment. Releasing moves the
 * log start offset as retention does, so a consumer behind it gets
 * OFFSET_OUT_OF_RANGE and follows its reset policy.
 */

/** Releasing stops at 90% of the budget, so that a full budget is not trimmed again at every append. */
const LOW_WATER = 0.9

/** A memory log as the budget sees it. */
export interface BudgetedLog {
  /** Bytes held: the memory its batches take, bookkeeping included. */
  readonly heldBytes: number
  /**
   * Drops the oldest batches, never the newest, holding at least `bytes`
   * between them (or all it may), and moves the log start offset past them.
   */
  releaseOldest(bytes: number): { bytes: number; batches: number; logStartOffset: number }
}

export interface PartitionRelease {
  /** `topic-partition`. */
  readonly name: string
  readonly bytes: number
  readonly batches: number
  readonly logStartOffset: number
}

/** One pass of releasing, largest partition first. */
export interface MemoryRelease {
  readonly budgetBytes: number
  readonly bytes: number
  readonly batches: number
  readonly partitions: readonly PartitionRelease[]
}

export interface MemoryStats {
  /** The budget; Infinity when there is none. */
  readonly budgetBytes: number
  /** What the memory engine holds now (its arena chunks and per-batch bookkeeping). */
  readonly heldBytes: number
  /** Totals released because of the budget since the broker started (retention and DeleteRecords not counted). */
  readonly releasedBytes: number
  readonly releasedBatches: number
  /** Passes that released something. */
  readonly releases: number
}

export class MemoryBudget {
  private readonly logs = new Map<BudgetedLog, string>()
  private held = 0
  private releasing = false
  private releasedBytes = 0
  private releasedBatches = 0
  private releases = 0

  constructor(
    /** Infinity: no budget, only accounting. */
    readonly budgetBytes: number,
    private readonly onRelease: (release: MemoryRelease) => void = () => {},
  ) {}

  register(log: BudgetedLog, name: string): void {
    this.logs.set(log, name)
  }

  /** Forgets a log that has already reported releasing what it held. */
  unregister(log: BudgetedLog): void {
    this.logs.delete(log)
  }

  /** Called by a log for every change in what it holds; growth past the budget releases at once. */
  changed(deltaBytes: number): void {
    this.held += deltaBytes
    if (deltaBytes > 0 && this.held > this.budgetBytes && !this.releasing) this.release()
  }

  stats(): MemoryStats {
    return {
      budgetBytes: this.budgetBytes,
      heldBytes: this.held,
      releasedBytes: this.releasedBytes,
      releasedBatches: this.releasedBatches,
      releases: this.releases,
    }
  }

  private release(): void {
    this.releasing = true
    try {
      const target = Math.floor(this.budgetBytes * LOW_WATER)
      const byName = new Map<string, PartitionRelease>()
      // a pass can fall short when logs keep their newest batches; stop once one frees nothing
      for (let pass = 0; pass < 4 && this.held > target; pass++) {
        const freed = this.levelDown(this.held - target, byName)
        if (freed === 0) break
      }
      if (byName.size === 0) return
      const partitions = [...byName.values()]
      const bytes = partitions.reduce((sum, p) => sum + p.bytes, 0)
      const batches = partitions.reduce((sum, p) => sum + p.batches, 0)
      this.releasedBytes += bytes
      this.releasedBatches += batches
      this.releases++
      this.onRelease({ budgetBytes: this.budgetBytes, bytes, batches, partitions })
    } finally {
      this.releasing = false
    }
  }

  /**
   * Frees about `excess` bytes by lowering the largest holdings to one
   * common level (water filling): the biggest partition gives first, and
   * never goes below a smaller one. Returns the bytes freed.
   */
  private levelDown(excess: number, out: Map<string, PartitionRelease>): number {
    const sorted = [...this.logs.keys()].sort((a, b) => b.heldBytes - a.heldBytes)
    let above = 0
    let level = 0
    for (let k = 0; k < sorted.length; k++) {
      above += sorted[k].heldBytes
      const next = sorted[k + 1]?.heldBytes ?? 0
      // lowering the k+1 largest to `next` frees this much
      if (above - (k + 1) * next >= excess || k === sorted.length - 1) {
        level = Math.max(0, (above - excess) / (k + 1))
        break
      }
    }
    let freed = 0
    for (const log of sorted) {
      const over = log.heldBytes - level
      if (over <= 0) break
      const released = log.releaseOldest(Math.ceil(over))
      if (released.batches === 0) continue
      freed += released.bytes
      const name = this.logs.get(log) ?? '?'
      const before = out.get(name)
      out.set(name, {
        name,
        bytes: (before?.bytes ?? 0) + released.bytes,
        batches: (before?.batches ?? 0) + released.batches,
        logStartOffset: released.logStartOffset,
      })
    }
    return freed
  }
}

/**
 * The default budget: 512 MiB, or a quarter of the machine's memory when that
 * is less. 512 MiB holds about five million 100-byte records, more than any
 * demo or test run reads back, and a quarter of a small machine leaves the
 * rest to the clients and the system.
 */
export function defaultMemoryBudget(totalMemoryBytes: number): number {
  return Math.min(512 * 1024 * 1024, Math.floor(totalMemoryBytes / 4))
}
