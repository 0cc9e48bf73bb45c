import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MemoryPartitionLog } from '../../../src/broker/log/memory-log.js'
import {
  PartitionProducerState,
  type ProducedBatch,
  type ProducerStateSettings,
  type SequenceVerdict,
} from '../../../src/broker/producers/partition-producer-state.js'
import { RETAINED_BATCHES } from '../../../src/broker/producers/producer-entry.js'
import { INT32_MAX } from '../../../src/broker/producers/sequence.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { readBatchHeader } from '../../../src/protocol/records/batch-header.js'
import { encodeRecordBatch } from '../../../src/protocol/records/record-batch.js'

const SETTINGS: ProducerStateSettings = { expirationMs: 60_000, maxProducers: 1000 }
const NOW = 1_000_000
/** The max timestamp of every test batch. */
const BATCH_TIMESTAMP = 5

function batch(producerId: bigint, producerEpoch: number, baseSequence: number, records = 1): ProducedBatch {
  return { producerId, producerEpoch, baseSequence, lastOffsetDelta: records - 1 }
}

/**
 * A partition as the produce path drives it: check, and on 'append' store at
 * the next offsets and record it. Returns the verdict and the offset the
 * client is told (original offset for a duplicate, -1 for a refusal).
 */
class Partition {
  nextOffset = 0
  now = NOW
  constructor(readonly state = new PartitionProducerState(SETTINGS, NOW)) {}

  produce(b: ProducedBatch): { verdict: SequenceVerdict['kind']; offset: number; errorCode: number } {
    const verdict = this.state.check(b, this.now)
    if (verdict.kind === 'reject') return { verdict: 'reject', offset: -1, errorCode: verdict.errorCode }
    if (verdict.kind === 'duplicate')
      return { verdict: 'duplicate', offset: verdict.original.baseOffset, errorCode: 0 }
    const offset = this.nextOffset
    this.nextOffset += b.lastOffsetDelta + 1
    this.state.recordAppend(b, offset, BATCH_TIMESTAMP, this.now)
    return { verdict: 'append', offset, errorCode: 0 }
  }
}

const appended = (offset: number) => ({ verdict: 'append', offset, errorCode: 0 })
const duplicate = (offset: number) => ({ verdict: 'duplicate', offset, errorCode: 0 })
const rejected = (errorCode: number) => ({ verdict: 'reject', offset: -1, errorCode })

describe('PartitionProducerState: sequence rules', () => {
  it('accepts consecutive batches and refuses a gap with OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
    const p = new Partition()
    expect(p.produce(batch(7n, 0, 0, 3))).toEqual(appended(0))
    expect(p.produce(batch(7n, 0, 3, 2))).toEqual(appended(3))
    expect(p.produce(batch(7n, 0, 6, 1))).toEqual(rejected(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
    // nothing was stored for the refusal: the expected next batch still fits
    expect(p.produce(batch(7n, 0, 5, 1))).toEqual(appended(5))
  })

  it('answers a retry of each of the last five batches with its original offset, storing nothing', () => {
    const p = new Partition()
    const sent = Array.from({ length: 8 }, (_, i) => batch(7n, 0, i * 2, 2))
    const offsets = sent.map((b) => p.produce(b).offset)
    const end = p.nextOffset
    const lastFive = sent.slice(-RETAINED_BATCHES)
    lastFive.forEach((b, i) => {
      expect(p.produce(b)).toEqual(duplicate(offsets[sent.length - RETAINED_BATCHES + i]))
    })
    // in any order, and more than once
    expect(p.produce(lastFive[2])).toEqual(duplicate(offsets[5]))
    expect(p.nextOffset).toBe(end)
    // the sixth-last is no longer remembered: it is neither a duplicate nor in sequence
    expect(p.produce(sent[sent.length - RETAINED_BATCHES - 1])).toEqual(
      rejected(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER),
    )
  })

  it('treats only the exact sequence range as a duplicate', () => {
    const p = new Partition()
    p.produce(batch(7n, 0, 0, 4))
    // same first sequence, different length: overlaps but is not the same batch
    expect(p.produce(batch(7n, 0, 0, 2))).toEqual(rejected(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
    expect(p.produce(batch(7n, 0, 1, 3))).toEqual(rejected(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
    expect(p.produce(batch(7n, 0, 0, 4))).toEqual(duplicate(0))
  })

  it('refuses an older epoch with INVALID_PRODUCER_EPOCH, even for what was a duplicate', () => {
    const p = new Partition()
    p.produce(batch(7n, 3, 0, 1))
    p.produce(batch(7n, 3, 1, 1))
    expect(p.produce(batch(7n, 4, 0, 1))).toEqual(appended(2))
    expect(p.produce(batch(7n, 3, 1, 1))).toEqual(rejected(ErrorCode.INVALID_PRODUCER_EPOCH))
    expect(p.produce(batch(7n, 3, 2, 1))).toEqual(rejected(ErrorCode.INVALID_PRODUCER_EPOCH))
    expect(p.produce(batch(7n, 0, 0, 1))).toEqual(rejected(ErrorCode.INVALID_PRODUCER_EPOCH))
  })

  it('requires a new epoch to start at sequence 0, and forgets the old epoch batches once it does', () => {
    const p = new Partition()
    p.produce(batch(7n, 0, 0, 5))
    expect(p.produce(batch(7n, 1, 5, 1))).toEqual(rejected(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
    expect(p.produce(batch(7n, 1, 1, 1))).toEqual(rejected(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
    // the refusals changed nothing: epoch 0 may still continue
    expect(p.produce(batch(7n, 0, 5, 1))).toEqual(appended(5))
    expect(p.produce(batch(7n, 2, 0, 2))).toEqual(appended(6))
    expect(p.state.entry(7n, p.now)?.batches.map((b) => [b.firstSequence, b.lastSequence])).toEqual([[0, 1]])
    expect(p.produce(batch(7n, 2, 2, 1))).toEqual(appended(8))
  })

  it('accepts any first sequence from a producer it does not know (Kafka 2.5+, no UNKNOWN_PRODUCER_ID)', () => {
    const p = new Partition()
    expect(p.produce(batch(7n, 0, 42, 2))).toEqual(appended(0))
    // ...and holds it to its sequence from then on
    expect(p.produce(batch(7n, 0, 45, 1))).toEqual(rejected(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
    expect(p.produce(batch(7n, 0, 44, 1))).toEqual(appended(2))
    expect(p.produce(batch(8n, 5, 1_000_000, 1))).toEqual(appended(3))
  })

  it('keeps producers apart', () => {
    const p = new Partition()
    p.produce(batch(1n, 0, 0, 2))
    p.produce(batch(2n, 0, 0, 2))
    expect(p.produce(batch(1n, 0, 2, 1))).toEqual(appended(4))
    expect(p.produce(batch(2n, 0, 0, 2))).toEqual(duplicate(2))
    expect(p.produce(batch(2n, 0, 3, 1))).toEqual(rejected(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
  })

  it('wraps sequences at Int32.MAX: 0 follows Int32.MAX, and a batch may span the wrap', () => {
    const p = new Partition()
    expect(p.produce(batch(7n, 0, INT32_MAX - 2, 3))).toEqual(appended(0))
    expect(p.produce(batch(7n, 0, 0, 2))).toEqual(appended(3))
    // a batch whose records run past Int32.MAX ends at a small sequence
    const q = new Partition()
    q.produce(batch(9n, 0, INT32_MAX - 5, 4))
    const spanning = batch(9n, 0, INT32_MAX - 1, 4)
    expect(q.produce(spanning)).toEqual(appended(4))
    expect(q.state.entry(9n, q.now)?.lastSequence).toBe(1)
    expect(q.produce(spanning)).toEqual(duplicate(4))
    expect(q.produce(batch(9n, 0, 3, 1))).toEqual(rejected(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
    expect(q.produce(batch(9n, 0, 2, 1))).toEqual(appended(8))
  })

  it('checks sequences of nothing for a producer that writes without an epoch (-1)', () => {
    const p = new Partition()
    p.produce(batch(7n, -1, 10, 1))
    expect(p.produce(batch(7n, -1, 3, 1))).toEqual(appended(1))
    expect(p.produce(batch(7n, -1, 3, 1))).toEqual(duplicate(1))
  })

  it('changes nothing when it only checks', () => {
    const p = new Partition()
    p.produce(batch(7n, 0, 0, 1))
    for (let i = 0; i < 3; i++) expect(p.state.check(batch(7n, 0, 1, 1), p.now)).toEqual({ kind: 'append' })
    expect(p.state.entry(7n, p.now)?.lastSequence).toBe(0)
  })
})

describe('PartitionProducerState: forgetting producers', () => {
  it('forgets a producer that has not written for producerIdExpirationMs', () => {
    const p = new Partition()
    p.produce(batch(7n, 0, 0, 1))
    p.now += SETTINGS.expirationMs - 1
    expect(p.produce(batch(7n, 0, 5, 1))).toEqual(rejected(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER))
    expect(p.produce(batch(7n, 0, 0, 1))).toEqual(duplicate(0))
    p.now += 1
    // forgotten: its retry is no longer recognised, any sequence is accepted again
    expect(p.produce(batch(7n, 0, 5, 1))).toEqual(appended(1))
  })

  it('sweeps expired producers while others keep writing', () => {
    const p = new Partition()
    for (let id = 1n; id <= 5n; id++) p.produce(batch(id, 0, 0, 1))
    expect(p.state.size).toBe(5)
    p.now += SETTINGS.expirationMs
    p.produce(batch(100n, 0, 0, 1))
    expect(p.state.size).toBe(1)
  })

  it('forgets the least recently active producer past maxProducers', () => {
    const p = new Partition(new PartitionProducerState({ expirationMs: 60_000, maxProducers: 3 }, NOW))
    p.produce(batch(1n, 0, 0, 1))
    p.produce(batch(2n, 0, 0, 1))
    p.produce(batch(3n, 0, 0, 1))
    // producer 1 writes again, so 2 is now the least recently active
    p.produce(batch(1n, 0, 1, 1))
    p.produce(batch(4n, 0, 0, 1))
    expect(p.state.size).toBe(3)
    expect(p.state.entry(2n, p.now)).toBeUndefined()
    expect(p.state.entry(1n, p.now)?.lastSequence).toBe(1)
    expect(p.produce(batch(2n, 0, 9, 1))).toEqual(appended(5))
  })
})

describe('PartitionProducerState.rebuild', () => {
  function storeIn(log: MemoryPartitionLog, b: ProducedBatch, records = b.lastOffsetDelta + 1): number {
    const bytes = encodeRecordBatch(
      Array.from({ length: records }, () => ({ value: Buffer.from('v'), timestamp: BATCH_TIMESTAMP })),
      { producerId: b.producerId, producerEpoch: b.producerEpoch, baseSequence: b.baseSequence },
    )
    const h = readBatchHeader(bytes)
    return log.append(bytes, { offsetCount: h.lastOffsetDelta + 1, maxTimestamp: h.maxTimestamp })
  }

  it('recovers from the log what the live state knew: epochs, last sequences, the last five batches', () => {
    const log = new MemoryPartitionLog({
      retention: { retentionMs: -1, retentionBytes: -1 },
      segment: { segmentBytes: 1 << 20, segmentMs: 1e9, indexIntervalBytes: 4096 },
    })
    const live = new Partition()
    const sent: ProducedBatch[] = [
      batch(1n, 0, 0, 2),
      batch(-1n, -1, -1, 3),
      batch(2n, 4, 0, 1),
      ...Array.from({ length: 7 }, (_, i) => batch(1n, 0, 2 + i, 1)),
      batch(2n, 5, 0, 2),
    ]
    for (const b of sent) {
      const offset = storeIn(log, b)
      if (b.producerId >= 0n) {
        expect(live.produce(b)).toEqual(appended(offset))
      } else {
        live.nextOffset += b.lastOffsetDelta + 1
      }
    }
    const rebuilt = new Partition(PartitionProducerState.rebuild(log, SETTINGS, NOW))
    rebuilt.nextOffset = log.logEndOffset
    expect(rebuilt.state.size).toBe(2)
    for (const id of [1n, 2n]) {
      const a = live.state.entry(id, NOW)
      const b = rebuilt.state.entry(id, NOW)
      expect([b?.epoch, b?.batches]).toEqual([a?.epoch, a?.batches])
    }
    // the same questions get the same answers
    const probes = [
      batch(1n, 0, 8, 1),
      batch(1n, 0, 4, 1),
      batch(1n, 0, 3, 1),
      batch(1n, 0, 9, 1),
      batch(2n, 4, 0, 1),
      batch(2n, 5, 0, 2),
      batch(2n, 5, 3, 1),
    ]
    for (const probe of probes) expect(rebuilt.state.check(probe, NOW)).toEqual(live.state.check(probe, NOW))
  })
})

describe('PartitionProducerState: a retrying producer (property)', () => {
  it('stores every record once, answers retries with the original offsets, whatever the retry pattern', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('new' as const), records: fc.integer({ min: 1, max: 5 }) }),
            fc.record({
              kind: fc.constant('retry' as const),
              back: fc.integer({ min: 0, max: RETAINED_BATCHES - 1 }),
            }),
          ),
          { maxLength: 60 },
        ),
        fc.integer({ min: INT32_MAX - 40, max: INT32_MAX }),
        (steps, firstSequence) => {
          const p = new Partition()
          const sent: { b: ProducedBatch; offset: number }[] = []
          let next = firstSequence
          let storedRecords = 0
          for (const step of steps) {
            if (step.kind === 'new') {
              const b = batch(3n, 0, next, step.records)
              const result = p.produce(b)
              expect(result.verdict).toBe('append')
              sent.push({ b, offset: result.offset })
              storedRecords += step.records
              next = (next + step.records) % (INT32_MAX + 1)
            } else if (sent.length > step.back) {
              const original = sent[sent.length - 1 - step.back]
              expect(p.produce(original.b)).toEqual(duplicate(original.offset))
            }
          }
          expect(p.nextOffset).toBe(storedRecords)
        },
      ),
    )
  })
})
