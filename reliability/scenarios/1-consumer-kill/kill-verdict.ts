import { judgeLives, type ProducedRecord } from '../../../test/faults/consumer-kill/kill-checks.js'
import type { Committed } from '../../support/committed-offsets.js'
import type { LoggedRecord } from '../../support/record-log.js'
import { type Check, check, noneOf } from '../../support/scenario.js'
import { tallyConsumed } from '../../support/tally.js'

export interface KillVerdict {
  readonly consumed: number
  readonly lost: number
  readonly duplicated: number
  readonly checks: Check[]
  readonly notes: string[]
}

// the fault test's judge knows records by a numeric value; ours are `v<n>`
const numbered = (r: LoggedRecord): ProducedRecord => ({ ...r, value: Number(r.value.slice(1)) })

/**
 * The consumer-side promises over the lives of a killed consumer, on what
 * kcat read back and what each life logged: nothing in the topic is left
 * unprocessed; a life redoes at most what was processed and not committed
 * when the life before it was killed (the in-flight bound, from the
 * committed offsets read right after each kill, as the vitest fault test
 * judges it); nothing below a committed offset is redone, and nothing is
 * committed before it was processed; each key's records come one after the
 * other, in the order stored, within each life; and the commits kept up.
 */
export function judgeKills(
  topic: readonly LoggedRecord[],
  lives: readonly (readonly LoggedRecord[])[],
  committedAtKill: readonly Committed[],
): KillVerdict {
  const tally = tallyConsumed(topic, lives)
  const report = judgeLives(
    topic.map(numbered),
    lives.map((l) => l.map(numbered)),
    committedAtKill,
  )
  const overBound = report.duplicates
    .slice(1)
    .map((redone, i) => ({ life: i + 1, redone, bound: report.inFlightAtKill[i] }))
    .filter((l) => l.redone > l.bound)
  const kills = committedAtKill.length
  const redone = report.duplicates.slice(1)
  return {
    consumed: tally.consumed,
    lost: tally.neverProcessed.length,
    duplicated: tally.duplicates,
    checks: [
      noneOf(
        'every record in the topic was processed',
        tally.neverProcessed,
        (r) => `${r.value} at ${r.partition}:${r.offset}`,
      ),
      noneOf(
        'each processed record is the one the topic holds there',
        tally.mismatched,
        (r) => `${r.value} at ${r.partition}:${r.offset}`,
      ),
      noneOf(
        'no record is processed twice within one life',
        tally.repeatedInLife,
        (r) => `${r.value} at ${r.partition}:${r.offset}`,
      ),
      noneOf(
        'a life redoes no more than was in flight (processed, not committed) at the kill before it',
        overBound,
        (l) => `life ${l.life} redid ${l.redone}, bound ${l.bound}`,
      ),
      noneOf(
        'nothing below a committed offset is processed again',
        report.redoneCommitted,
        (d) => `life ${d.life}: ${d.record.partition}:${d.record.offset}`,
      ),
      noneOf(
        'nothing is committed before it was processed',
        report.committedPastUnfinished,
        (d) => `kill ${d.kill}: ${d.partition}:${d.offset}`,
      ),
      noneOf(
        'key order is kept within each life',
        report.orderBreaks,
        (b) => `life ${b.life} key ${b.key}: v${b.got} after v${b.after}`,
      ),
      check(
        'the commits kept up: at half the kills or more, the committed offsets had moved on since the kill before',
        report.killsAfterProgress >= Math.ceil(kills / 2),
        `${report.killsAfterProgress} of ${kills}`,
      ),
    ],
    notes: [
      `in flight at each kill (the bound): ${report.inFlightAtKill.join(' ')}`,
      `redone by each life after a kill: ${redone.join(' ')} (total ${redone.reduce((a, b) => a + b, 0)})`,
    ],
  }
}
