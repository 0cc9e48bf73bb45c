import type { Admin } from '../../../src/index.js'
import { type Committed, committedOffsets } from '../../support/committed-offsets.js'

/** One reading of the group's committed offsets, stamped when the broker's answer arrived. */
export interface Reading {
  readonly at: number
  readonly offsets: Committed
}

/**
 * Reads a group's committed offsets from the broker every `everyMs` while
 * the storm runs: each partition's committed offset must never go down (a
 * stale commit, from a member that no longer owns the partition or from a
 * generation that is over, would move it back and make the group redo what
 * was done), and the readings, stamped with the wall clock the consumers'
 * logs use too, tell which offsets were committed before a record was
 * processed again.
 */
export class OffsetWatch {
  readonly readings: Reading[] = []
  /** Readings that failed (the coordinator moving, a timeout): the watch goes on. */
  failures = 0
  private stopped = false
  private readonly loop: Promise<void>

  constructor(admin: Admin, groupId: string, topic: string, partitions: number, everyMs = 100) {
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          const offsets = await committedOffsets(admin, groupId, topic, partitions)
          this.readings.push({ at: Date.now(), offsets })
        } catch {
          this.failures++
        }
        await new Promise((resolve) => setTimeout(resolve, everyMs))
      }
    })()
  }

  latest(): Committed | undefined {
    return this.readings.at(-1)?.offsets
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.loop
  }

  /** Every time a partition's committed offset was read lower than it had been read before. */
  backwards(): string[] {
    const highest = new Map<number, number>()
    const found: string[] = []
    for (const r of this.readings) {
      for (const [p, o] of r.offsets) {
        const before = highest.get(p) ?? 0
        if (o < before)
          found.push(`partition ${p}: ${o} after ${before} (at ${new Date(r.at).toISOString()})`)
        highest.set(p, Math.max(before, o))
      }
    }
    return found
  }

  /** The committed offset of `partition` as last read before `time` (0 before any reading). */
  committedBefore(partition: number, time: number): number {
    let lo = 0
    let hi = this.readings.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.readings[mid].at < time) lo = mid + 1
      else hi = mid
    }
    return lo === 0 ? 0 : (this.readings[lo - 1].offsets.get(partition) ?? 0)
  }
}
