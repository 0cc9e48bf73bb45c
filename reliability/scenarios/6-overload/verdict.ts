import type { LoggedRecord } from '../../support/record-log.js'
import { type Check, check, noneOf } from '../../support/scenario.js'
import { tallyConsumed, tallyStored } from '../../support/tally.js'
import type { GroupOffsets, LagSample } from './offsets.js'

/**
 * What the overload promises, checked from the outside: the topic as kcat
 * read it, the producer's ack log, the consumer's processed log and the
 * committed offsets as kafkajs read them after the consumer closed.
 */

export interface Evidence {
  readonly topic: readonly LoggedRecord[]
  readonly acked: readonly LoggedRecord[]
  readonly processed: readonly LoggedRecord[]
  /** After the consumer's graceful close. */
  readonly final: GroupOffsets
  readonly lag: readonly LagSample[]
}

export interface Verdict {
  readonly checks: Check[]
  readonly consumed: number
  readonly lost: number
  readonly duplicated: number
}

/** Samples at a quarter, half, three quarters and the end of the window. */
export function quarters<T>(samples: readonly T[]): T[] {
  if (samples.length === 0) return []
  return [0.25, 0.5, 0.75, 1].map(
    (q) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)],
  )
}

export function judge(e: Evidence): Verdict {
  const stored = tallyStored(e.acked, e.topic)
  const consumed = tallyConsumed(e.topic, [e.processed])
  const highestProcessed = e.final.committed.map(() => -1)
  for (const r of e.processed)
    highestProcessed[r.partition] = Math.max(highestProcessed[r.partition] ?? -1, r.offset)
  // a committed offset must cover every processed record of its partition ...
  const uncommitted = highestProcessed.flatMap((high, p) =>
    high >= e.final.committed[p]
      ? [`partition ${p}: processed up to ${high}, committed ${e.final.committed[p]}`]
      : [],
  )
  // ... and must not pass a record that was never processed (that one would be lost)
  const skipped = consumed.neverProcessed.filter((r) => r.offset < e.final.committed[r.partition])
  const lagQuarters = quarters(e.lag)
  const grows =
    lagQuarters.length === 4 && lagQuarters.every((s, i) => i === 0 || s.lag > lagQuarters[i - 1].lag)
  const at = (r: LoggedRecord) => `${r.value} at ${r.partition}:${r.offset}`
  return {
    checks: [
      noneOf('every acknowledged record is in the topic (kcat)', stored.lostAcked, at),
      noneOf('no record is stored twice', stored.storedTwice, ([v, n]) => `${v} x${n}`),
      noneOf('every processed record is the one the topic holds there', consumed.mismatched, at),
      noneOf('no record is processed twice', consumed.repeatedInLife, at),
      noneOf('records of a key are processed in order', consumed.orderBreaks),
      noneOf('every processed record is committed after close', uncommitted),
      noneOf('every record below the committed offsets was processed (none skipped)', skipped, at),
      check(
        'the lag (log end - committed) grows over the window',
        grows,
        `quarters: ${lagQuarters.map((s) => `${s.lag} at ${s.atSeconds.toFixed(0)} s`).join(', ')}`,
      ),
    ],
    consumed: consumed.consumed,
    lost: stored.lostAcked.length + skipped.length,
    duplicated: stored.duplicates + consumed.duplicates,
  }
}
