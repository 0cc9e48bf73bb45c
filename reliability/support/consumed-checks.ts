import type { LoggedRecord } from './record-log.js'
import { type Check, check, noneOf } from './scenario.js'
import { tallyConsumed } from './tally.js'

export interface ConsumedVerdict {
  readonly consumed: number
  readonly lost: number
  readonly duplicated: number
  readonly checks: Check[]
}

/**
 * The consumer-side promises, checked on what kcat read back and what each
 * consumer life logged: every record of the topic was processed, what was
 * processed is what the topic holds there, no record twice within one life,
 * per-key order within a life, and duplicates across lives within
 * `maxDuplicates` (0 where no consumer was harmed).
 */
export function judgeConsumed(
  topic: readonly LoggedRecord[],
  lives: readonly (readonly LoggedRecord[])[],
  maxDuplicates: number,
  bound: string,
): ConsumedVerdict {
  const tally = tallyConsumed(topic, lives)
  const where = (r: LoggedRecord) => `${r.value} at ${r.partition}:${r.offset}`
  return {
    consumed: tally.consumed,
    lost: tally.neverProcessed.length,
    duplicated: tally.duplicates,
    checks: [
      noneOf('every record in the topic was processed', tally.neverProcessed, where),
      noneOf('what was processed is what the topic holds there', tally.mismatched, where),
      noneOf('no record was processed twice by one life', tally.repeatedInLife, where),
      noneOf('per-key order within each life', tally.orderBreaks),
      check(
        `duplicates within ${bound}`,
        tally.duplicates <= maxDuplicates,
        `${tally.duplicates} (bound ${maxDuplicates})`,
      ),
    ],
  }
}
