import type { AckProducerResult } from '../children/ack-producer.js'
import type { LoggedRecord } from './record-log.js'
import { type Check, check, noneOf } from './scenario.js'
import { tallyStored } from './tally.js'

export interface StoredVerdict {
  readonly lost: number
  readonly duplicated: number
  readonly checks: Check[]
  readonly notes: string[]
}

const serial = (r: LoggedRecord) => Number(r.value.slice(1))

/**
 * The producer-side promises, checked on what kcat read back: every
 * acknowledged record is where its acknowledgement said, none is stored
 * twice, each partition holds its records in the order they were sent (the
 * idempotent producer keeps order across retries), and every record sent
 * was acknowledged (with a broker that comes back, none should run out of
 * delivery time).
 */
export function judgeStored(
  result: AckProducerResult,
  acked: readonly LoggedRecord[],
  topic: readonly LoggedRecord[],
): StoredVerdict {
  const tally = tallyStored(acked, topic)
  const outOfOrder: string[] = []
  const lastSerial = new Map<number, number>()
  for (const r of [...topic].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const previous = lastSerial.get(r.partition) ?? -1
    if (serial(r) < previous)
      outOfOrder.push(`partition ${r.partition} offset ${r.offset}: ${r.value} after v${previous}`)
    lastSerial.set(r.partition, Math.max(previous, serial(r)))
  }
  const ackedValues = new Set(acked.map((r) => r.value))
  const storedUnacked = topic.filter((r) => !ackedValues.has(r.value)).length
  return {
    lost: tally.lostAcked.length,
    duplicated: tally.duplicates,
    checks: [
      noneOf(
        'every acknowledged record is in the topic where its ack said',
        tally.lostAcked,
        (r) => `${r.value} at ${r.partition}:${r.offset}`,
      ),
      noneOf('no record is stored twice', tally.storedTwice, ([value, n]) => `${value} ×${n}`),
      noneOf('each partition keeps the order records were sent in', outOfOrder),
      check(
        'every record sent was acknowledged',
        result.failed === 0 && result.acked === result.sent && acked.length === result.acked,
        `sent ${result.sent}, acked ${result.acked} (${acked.length} in the ack log), failed ${result.failed} ${JSON.stringify(result.errors)}`,
      ),
    ],
    notes: storedUnacked > 0 ? [`${storedUnacked} records stored without an acknowledgement`] : [],
  }
}
