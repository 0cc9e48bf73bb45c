import type { LoggedRecord } from './record-log.js'

/**
 * The counting rules of the table, in one place. A record is known by its
 * value (`v<n>`, unique per record the producer sent), so a record stored
 * twice (a retry the broker did not recognise) or processed twice (a
 * redelivery after a kill or rebalance) is seen whatever offset it got.
 */

const where = (r: LoggedRecord) => `${r.partition}:${r.offset}`

export interface StoredTally {
  /** Acknowledged records whose partition and offset do not hold them in the topic. */
  readonly lostAcked: LoggedRecord[]
  /** Values stored more than once: [value, times]. */
  readonly storedTwice: [string, number][]
  /** Records stored more than once, counted beyond their first copy. */
  readonly duplicates: number
}

/** Compares the producer's ack log with what the topic holds. */
export function tallyStored(acked: readonly LoggedRecord[], topic: readonly LoggedRecord[]): StoredTally {
  const stored = new Map<string, string>()
  const copies = new Map<string, number>()
  for (const r of topic) {
    stored.set(where(r), r.value)
    copies.set(r.value, (copies.get(r.value) ?? 0) + 1)
  }
  const lostAcked = acked.filter((r) => stored.get(where(r)) !== r.value)
  const storedTwice = [...copies].filter(([, n]) => n > 1)
  return { lostAcked, storedTwice, duplicates: storedTwice.reduce((sum, [, n]) => sum + n - 1, 0) }
}

export interface ConsumedTally {
  /** Distinct records of the topic that some life processed. */
  readonly consumed: number
  /** Records in the topic no life processed. */
  readonly neverProcessed: LoggedRecord[]
  /** Processed entries that were not what the topic holds at that partition and offset. */
  readonly mismatched: LoggedRecord[]
  /** Processings beyond the first of the same record (across lives and within one). */
  readonly duplicates: number
  /** Records processed twice by the same life. */
  readonly repeatedInLife: LoggedRecord[]
  /**
   * Within one life: a key's record processed for the first time after a
   * later record of the same key and partition had been.
   */
  readonly orderBreaks: string[]
}

/**
 * Compares what the consumers processed (one log per life of a consumer
 * process, in the order each processed them) with the topic.
 */
export function tallyConsumed(
  topic: readonly LoggedRecord[],
  lives: readonly (readonly LoggedRecord[])[],
): ConsumedTally {
  const stored = new Map<string, string>()
  for (const r of topic) stored.set(where(r), r.value)
  const seen = new Set<string>()
  const mismatched: LoggedRecord[] = []
  const repeatedInLife: LoggedRecord[] = []
  const orderBreaks: string[] = []
  let processings = 0
  lives.forEach((life, index) => {
    const inLife = new Set<string>()
    const lastOffsetOfKey = new Map<string, number>()
    for (const r of life) {
      const at = where(r)
      if (stored.get(at) !== r.value) {
        mismatched.push(r)
        continue
      }
      processings++
      seen.add(at)
      const again = inLife.has(at)
      if (again) repeatedInLife.push(r)
      inLife.add(at)
      const keyAt = `${r.partition}/${r.key}`
      const last = lastOffsetOfKey.get(keyAt)
      // a record seen before in this life is a redelivery (counted above), not a reordering
      if (!again && last !== undefined && r.offset < last) {
        orderBreaks.push(
          `life ${index}: key ${r.key} offset ${r.offset} after ${last} on partition ${r.partition}`,
        )
      }
      lastOffsetOfKey.set(keyAt, Math.max(last ?? -1, r.offset))
    }
  })
  const neverProcessed = topic.filter((r) => !seen.has(where(r)))
  return {
    consumed: seen.size,
    neverProcessed,
    mismatched,
    duplicates: processings - seen.size,
    repeatedInLife,
    orderBreaks,
  }
}
