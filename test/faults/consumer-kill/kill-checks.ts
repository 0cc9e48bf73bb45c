import type { ProcessedRecord } from './processed-log.js'

/**
 * Judges what the lives of a killed-and-restarted consumer processed,
 * against what was produced and what the group had committed at each kill.
 * It knows nothing of the consumer's insides: only the records each life
 * wrote down, the producer's delivery reports and the broker's committed
 * offsets.
 */

export interface ProducedRecord {
  readonly partition: number
  readonly offset: number
  readonly key: string
  readonly value: number
}

/** Committed offset per partition (0 where nothing is committed). */
export type Committed = ReadonlyMap<number, number>

export interface KillReport {
  /** Produced records no life processed. */
  readonly lost: ProducedRecord[]
  /** Lines naming a record the producer did not put there (wrong key or value at that offset). */
  readonly mismatched: ProcessedRecord[]
  /** The same record twice within one life: a life has no rebalance, so never. */
  readonly repeatedInLife: { life: number; record: ProcessedRecord }[]
  /** A committed offset at a kill with an offset below it that no life had processed yet. */
  readonly committedPastUnfinished: { kill: number; partition: number; offset: number }[]
  /** A record processed again although it was below the committed offset when its life started. */
  readonly redoneCommitted: { life: number; record: ProcessedRecord }[]
  /** Within a life, a key's records not one after the other in the order produced. */
  readonly orderBreaks: { life: number; key: string; after: number; got: number }[]
  /** Per life: processings of records an earlier life had processed already. */
  readonly duplicates: number[]
  /**
   * Per kill: records processed and not yet committed at that moment (at or
   * above the committed offset): the most the next life may do again.
   */
  readonly inFlightAtKill: number[]
  /** Kills whose committed offsets were ahead of those at the kill before (or of nothing, for the first). */
  readonly killsAfterProgress: number
}

export function judgeLives(
  produced: readonly ProducedRecord[],
  lives: readonly (readonly ProcessedRecord[])[],
  committedAtKill: readonly Committed[],
): KillReport {
  const at = (p: number, o: number) => `${p}:${o}`
  const byPosition = new Map(produced.map((r) => [at(r.partition, r.offset), r]))
  // each key's values in the order they were produced, to tell what comes after what
  const nextOfKey = new Map<string, Map<number, number>>()
  const lastByKey = new Map<string, number>()
  for (const r of [...produced].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const previous = lastByKey.get(r.key)
    if (previous !== undefined) {
      const next = nextOfKey.get(r.key) ?? new Map<number, number>()
      nextOfKey.set(r.key, next)
      next.set(previous, r.value)
    }
    lastByKey.set(r.key, r.value)
  }

  const mismatched: ProcessedRecord[] = []
  const repeatedInLife: KillReport['repeatedInLife'] = []
  const redoneCommitted: KillReport['redoneCommitted'] = []
  const orderBreaks: KillReport['orderBreaks'] = []
  const committedPastUnfinished: KillReport['committedPastUnfinished'] = []
  const inFlightAtKill: number[] = []
  const done = new Set<string>()
  const duplicates: number[] = []
  let killsAfterProgress = 0

  lives.forEach((records, life) => {
    const startedFrom = life === 0 ? new Map<number, number>() : committedAtKill[life - 1]
    const inLife = new Set<string>()
    const lastInLife = new Map<string, number>()
    duplicates.push(0)
    for (const r of records) {
      const position = at(r.partition, r.offset)
      const expected = byPosition.get(position)
      if (!expected || expected.key !== r.key || expected.value !== r.value) mismatched.push(r)
      if (inLife.has(position)) repeatedInLife.push({ life, record: r })
      inLife.add(position)
      if (done.has(position)) {
        duplicates[life]++
        if (r.offset < (startedFrom.get(r.partition) ?? 0)) redoneCommitted.push({ life, record: r })
      }
      const previous = lastInLife.get(r.key)
      if (previous !== undefined && nextOfKey.get(r.key)?.get(previous) !== r.value) {
        orderBreaks.push({ life, key: r.key, after: previous, got: r.value })
      }
      lastInLife.set(r.key, r.value)
    }
    for (const position of inLife) done.add(position)

    if (life >= committedAtKill.length) return
    const committed = committedAtKill[life]
    let inFlight = 0
    for (const position of done) {
      const [p, o] = position.split(':').map(Number)
      if (o >= (committed.get(p) ?? 0)) inFlight++
    }
    inFlightAtKill.push(inFlight)
    for (const [partition, offset] of committed) {
      for (let o = 0; o < offset; o++) {
        if (!done.has(at(partition, o))) {
          committedPastUnfinished.push({ kill: life, partition, offset: o })
          break
        }
      }
    }
    const before = life === 0 ? new Map<number, number>() : committedAtKill[life - 1]
    if ([...committed].some(([p, o]) => o > (before.get(p) ?? 0))) killsAfterProgress++
  })

  const lost = produced.filter((r) => !done.has(at(r.partition, r.offset)))
  return {
    lost,
    mismatched,
    repeatedInLife,
    committedPastUnfinished,
    redoneCommitted,
    orderBreaks,
    duplicates,
    inFlightAtKill,
    killsAfterProgress,
  }
}
