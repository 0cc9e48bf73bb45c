import { decodeRecordBatch } from '../../src/protocol/records/index.js'
import type { KcatConsumeResult } from './kcat.js'
import type { ProducedRange, SluiceFetchResult } from './sluice-load.js'
import { VALUE_BYTES } from './workload.js'

/**
 * Checks run on every scenario, outside the timed part, so that a broker
 * that loses, repeats or garbles records cannot show up in the table as
 * fast: the end offsets must add up to what was produced, and each reader
 * must have seen every offset of every partition exactly once.
 */

export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`verification failed: ${message}`)
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0)
}

/** The log end offsets hold exactly the records produced. */
export function checkIngested(what: string, ends: readonly number[], produced: number): void {
  check(
    sum(ends) === produced,
    `${what}: end offsets ${ends.join(' + ')} do not add up to ${produced} records`,
  )
}

/** The offsets the broker handed out tile each partition from 0 to its end, without gap or overlap. */
export function checkProducedRanges(ranges: readonly ProducedRange[], ends: readonly number[]): void {
  ends.forEach((end, partition) => {
    const mine = ranges.filter((r) => r.partition === partition).sort((a, b) => a.baseOffset - b.baseOffset)
    let expected = 0
    for (const r of mine) {
      check(
        r.baseOffset === expected,
        `partition ${partition}: batch given offset ${r.baseOffset}, expected ${expected}`,
      )
      expected += r.count
    }
    check(expected === end, `partition ${partition}: produced up to ${expected}, log ends at ${end}`)
  })
}

/**
 * Every partition read to its end, record for record; the last batch of each
 * is decoded in full (CRC included) and its last record must sit at end - 1
 * and carry a value of the size produced.
 */
export function checkSluiceFetch(result: SluiceFetchResult, ends: readonly number[]): void {
  ends.forEach((end, partition) => {
    const seen = result.partitions[partition]
    check(seen.records === end, `partition ${partition}: fetched ${seen.records} records, log holds ${end}`)
    check(
      seen.nextOffset === end,
      `partition ${partition}: fetch stopped at ${seen.nextOffset}, log ends at ${end}`,
    )
    if (end === 0) return
    check(seen.lastBatch !== null, `partition ${partition}: no batch fetched`)
    const records = decodeRecordBatch(seen.lastBatch).records
    const last = records.at(-1)
    check(
      last?.offset === end - 1,
      `partition ${partition}: last record at ${last?.offset}, expected ${end - 1}`,
    )
    check(
      last.value?.length === VALUE_BYTES,
      `partition ${partition}: last value has ${last.value?.length} bytes`,
    )
  })
}

/** kcat printed each offset of each partition once, in order, from 0 to the end. */
export function checkKcatConsume(result: KcatConsumeResult, ends: readonly number[]): void {
  for (const partition of result.partitions.keys()) {
    check(partition < ends.length, `kcat read partition ${partition}, which the topic does not have`)
  }
  ends.forEach((end, partition) => {
    const seen = result.partitions.get(partition)
    if (end === 0) {
      check(seen === undefined, `kcat read records from the empty partition ${partition}`)
      return
    }
    check(seen !== undefined, `kcat read nothing from partition ${partition}, which holds ${end} records`)
    check(
      seen.count === end,
      `kcat read ${seen.count} records from partition ${partition}, which holds ${end}`,
    )
    check(
      seen.first === 0 && seen.last === end - 1,
      `kcat read partition ${partition} from ${seen.first} to ${seen.last}, expected 0 to ${end - 1}`,
    )
    check(seen.increasing, `kcat saw offsets of partition ${partition} out of order or repeated`)
  })
}
