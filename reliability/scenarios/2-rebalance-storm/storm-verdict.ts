import type { LoggedRecord } from '../../support/record-log.js'
import { type Check, check, noneOf } from '../../support/scenario.js'
import { tallyConsumed } from '../../support/tally.js'
import type { OffsetWatch } from './offset-watch.js'

export interface StormVerdict {
  readonly consumed: number
  readonly lost: number
  readonly duplicated: number
  readonly checks: Check[]
  readonly notes: string[]
}

const where = (r: { partition: number; offset: number }) => `${r.partition}:${r.offset}`

/**
 * The consumer-side promises of a rebalance storm, on what kcat read back,
 * every member's processed log (stamped with the wall clock) and the
 * committed offsets read during the storm:
 * - every record in the topic was processed, each as the topic holds it;
 * - no committed offset ever went down (no stale commit moved one back);
 * - a record processed again is at or above its partition's committed
 *   offset as read before it was redone: only work whose commit had not
 *   landed at the handover may be redone (the duplicate bound);
 * - key order within each member, and across members: a key's records are
 *   first processed in the order the topic holds them, whoever processed
 *   them, so a new owner never ran ahead of a record the old owner had not
 *   finished (the stamps have a millisecond's grain: equal stamps pass).
 */
export function judgeStorm(
  topic: readonly LoggedRecord[],
  members: readonly (readonly LoggedRecord[])[],
  offsets: OffsetWatch,
): StormVerdict {
  const tally = tallyConsumed(topic, members)
  // each record's processings in time order, to tell the first one from the redone ones
  const processings = new Map<string, number[]>()
  for (const life of members) {
    for (const r of life) {
      const list = processings.get(where(r))
      if (list) list.push(r.at ?? 0)
      else processings.set(where(r), [r.at ?? 0])
    }
  }
  const redoneBelowCommitted: string[] = []
  let redone = 0
  for (const [position, times] of processings) {
    if (times.length < 2) continue
    const [partition, offset] = position.split(':').map(Number)
    for (const time of times.sort((a, b) => a - b).slice(1)) {
      redone++
      const committed = offsets.committedBefore(partition, time)
      if (offset < committed) redoneBelowCommitted.push(`${position} redone with ${committed} committed`)
    }
  }
  const acrossMembers: string[] = []
  const lastOfKey = new Map<string, { offset: number; at: number }>()
  for (const r of [...topic].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const first = processings.get(where(r))?.[0]
    if (first === undefined) continue
    const key = `${r.partition}/${r.key}`
    const last = lastOfKey.get(key)
    if (last && first < last.at) {
      acrossMembers.push(
        `key ${r.key}: ${where(r)} first processed ${last.at - first} ms before ${r.partition}:${last.offset}`,
      )
    }
    if (!last || first >= last.at) lastOfKey.set(key, { offset: r.offset, at: first })
  }
  const describe = (r: LoggedRecord) => `${r.value} at ${where(r)}`
  return {
    consumed: tally.consumed,
    lost: tally.neverProcessed.length,
    duplicated: tally.duplicates,
    checks: [
      noneOf('every record in the topic was processed', tally.neverProcessed, describe),
      noneOf('each processed record is the one the topic holds there', tally.mismatched, describe),
      noneOf('no committed offset ever went backwards', offsets.backwards()),
      noneOf(
        'a record is redone only at or above the committed offset read before it was redone',
        redoneBelowCommitted,
      ),
      // every member leaves by a graceful close and every revoke drains and commits, so a redone
      // record means a commit of finished work that did not land (as REBALANCE_IN_PROGRESS did)
      check(
        'no record is redone: every handover committed what the old owner had finished',
        redone === 0,
        `${redone} redone`,
      ),
      noneOf('no record is processed twice by the same member', tally.repeatedInLife, describe),
      noneOf('key order is kept within each member', tally.orderBreaks),
      noneOf('key order is kept across members (first processings in stored order)', acrossMembers),
    ],
    notes: [
      `${redone} redone processings; ${offsets.readings.length} readings of the committed offsets (${offsets.failures} failed)`,
    ],
  }
}
