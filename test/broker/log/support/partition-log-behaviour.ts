import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import type {
  LogSettings,
  PartitionLog,
  RetentionSettings,
  SegmentSettings,
} from '../../../../src/broker/log/partition-log.js'
import { readBatchHeader, verifyBatchCrc } from '../../../../src/protocol/records/batch-header.js'
import { decodeRecordBatch } from '../../../../src/protocol/records/record-batch.js'
import { type BatchShape, makeBatch } from './batches.js'

export interface EngineUnderTest {
  /** Opens an empty log with these settings. */
  open(settings: LogSettings): Promise<PartitionLog>
  segment: SegmentSettings
  /**
   * Whether retention removes single batches (memory, or one batch per disk
   * segment) so that its results can be predicted exactly; otherwise only its
   * bounds are checked.
   */
  retentionPerBatch: boolean
}

/** What the test knows about an appended batch. */
export interface Appended {
  base: number
  last: number
  maxTimestamp: number
  bytes: Buffer
}

export const NO_RETENTION: RetentionSettings = { retentionMs: -1, retentionBytes: -1 }

export function appendAll(log: PartitionLog, shapes: BatchShape[]): Appended[] {
  return shapes.map((shape) => {
    const { batch, info } = makeBatch(shape)
    const base = log.append(batch, info)
    return {
      base,
      last: base + info.offsetCount - 1,
      maxTimestamp: info.maxTimestamp,
      bytes: Buffer.from(batch),
    }
  })
}

/** What a read must return: whole batches from the one holding `offset`, within maxBytes but at least one. */
export function expectedRead(model: Appended[], offset: number, maxBytes: number): Buffer[] {
  const out: Buffer[] = []
  let total = 0
  for (const batch of model) {
    if (batch.last < offset) continue
    if (out.length > 0 && total + batch.bytes.length > maxBytes) break
    out.push(batch.bytes)
    total += batch.bytes.length
  }
  return out
}

function served(model: Appended[], logStart: number): Appended[] {
  return model.filter((b) => b.last >= logStart)
}

function expectedForTimestamp(model: Appended[], logStart: number, timestamp: number): Buffer | null {
  return served(model, logStart).find((b) => b.maxTimestamp >= timestamp)?.bytes ?? null
}

function expectedMaxTimestamp(model: Appended[], logStart: number): Buffer | null {
  let best: Appended | null = null
  for (const b of served(model, logStart)) if (best === null || b.maxTimestamp > best.maxTimestamp) best = b
  return best?.bytes ?? null
}

const shapeArbitrary = fc.record({
  records: fc.integer({ min: 1, max: 5 }),
  valueBytes: fc.integer({ min: 8, max: 300 }),
  timestamp: fc.integer({ min: 0, max: 1_000 }),
})

/**
 * The behaviour both engines share, run once per engine (and per disk
 * layout) so that the memory engine, which the broker uses by default, and
 * the disk engine cannot drift apart.
 */
export function describePartitionLogBehaviour(name: string, engine: EngineUnderTest): void {
  describe(`${name}: shared PartitionLog behaviour`, () => {
    const opened: PartitionLog[] = []
    afterEach(async () => {
      for (const log of opened.splice(0)) await log.destroy()
    })
    const open = async (retention: RetentionSettings = NO_RETENTION) => {
      const log = await engine.open({ retention, segment: engine.segment })
      opened.push(log)
      return log
    }

    it('starts empty', async () => {
      const log = await open()
      expect([log.logStartOffset, log.logEndOffset, log.sizeBytes]).toEqual([0, 0, 0])
      expect(log.read(0, 1000)).toEqual([])
      expect(log.batchForTimestamp(0)).toBeNull()
      expect(log.batchWithMaxTimestamp()).toBeNull()
    })

    it('assigns consecutive offsets, rewrites base offset and leader epoch in place, keeps the CRC valid', async () => {
      const log = await open()
      const model = appendAll(log, [{ records: 3 }, { records: 1 }, { records: 5 }])
      expect(model.map((b) => [b.base, b.last])).toEqual([
        [0, 2],
        [3, 3],
        [4, 8],
      ])
      expect(log.logEndOffset).toBe(9)
      expect(log.sizeBytes).toBe(model.reduce((sum, b) => sum + b.bytes.length, 0))
      for (const b of model) {
        const header = readBatchHeader(b.bytes)
        expect(header.baseOffset).toBe(BigInt(b.base))
        expect(header.partitionLeaderEpoch).toBe(0)
        expect(() => verifyBatchCrc(b.bytes)).not.toThrow()
        const stored = log.read(b.base, 1)[0]
        expect(stored.equals(b.bytes)).toBe(true)
        expect(decodeRecordBatch(stored).records.map((r) => r.offset)).toEqual(
          Array.from({ length: b.last - b.base + 1 }, (_, i) => b.base + i),
        )
      }
    })

    it('refuses a buffer that is not exactly one batch, and a count that disagrees with the header', async () => {
      const log = await open()
      const { batch, info } = makeBatch({ records: 2 })
      expect(() => log.append(Buffer.concat([batch, Buffer.alloc(3)]), info)).toThrow(/declares/)
      expect(() => log.append(batch, { ...info, offsetCount: 5 })).toThrow(/offsets/)
      expect(log.logEndOffset).toBe(0)
    })

    it('reads from any offset, mid-batch included, starting with the batch holding it', async () => {
      const log = await open()
      const model = appendAll(log, [{ records: 4 }, { records: 2 }, { records: 7 }, { records: 1 }])
      for (let offset = 0; offset < log.logEndOffset; offset++) {
        const got = log.read(offset, 1)
        expect(got).toHaveLength(1)
        const holder = model.find((b) => b.base <= offset && offset <= b.last)!
        expect(got[0].equals(holder.bytes)).toBe(true)
      }
      expect(log.read(log.logEndOffset, 1 << 20)).toEqual([])
    })

    it('honours maxBytes with whole batches, but always returns at least one', async () => {
      const log = await open()
      const model = appendAll(log, [{ valueBytes: 50 }, { valueBytes: 60 }, { valueBytes: 70 }])
      const [a, b] = model.map((m) => m.bytes.length)
      expect(log.read(0, 1)).toHaveLength(1)
      expect(log.read(0, a + b - 1)).toHaveLength(1)
      expect(log.read(0, a + b)).toHaveLength(2)
      const all = log.read(0, Number.MAX_SAFE_INTEGER)
      expect(Buffer.concat(all).equals(Buffer.concat(model.map((m) => m.bytes)))).toBe(true)
    })

    it('serves any read like the reference model (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(shapeArbitrary, { minLength: 1, maxLength: 30 }),
          fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 3_000 })), {
            minLength: 1,
            maxLength: 20,
          }),
          async (shapes, reads) => {
            const log = await open()
            const model = appendAll(log, shapes)
            for (const [where, maxBytes] of reads) {
              const offset = Math.min(Math.floor(where * log.logEndOffset), log.logEndOffset - 1)
              const got = log.read(offset, maxBytes)
              const want = expectedRead(model, offset, maxBytes)
              expect(got.length).toBe(want.length)
              for (const [i, batch] of got.entries()) expect(batch.equals(want[i])).toBe(true)
              const first = readBatchHeader(got[0])
              expect(Number(first.baseOffset)).toBeLessThanOrEqual(offset)
              expect(Number(first.baseOffset) + first.lastOffsetDelta).toBeGreaterThanOrEqual(offset)
            }
            await log.destroy()
          },
        ),
        { numRuns: 25 },
      )
    })

    it('moves the log start with deleteRecordsBefore, keeping a straddling batch but not serving below it', async () => {
      const log = await open()
      appendAll(log, [{ records: 3 }, { records: 3 }, { records: 3 }, { records: 3 }, { records: 3 }])
      expect(log.deleteRecordsBefore(4)).toBe(4)
      expect(log.logStartOffset).toBe(4)
      expect(readBatchHeader(log.read(4, 1)[0]).baseOffset).toBe(3n)
      expect(log.deleteRecordsBefore(2)).toBe(4)
      expect(log.deleteRecordsBefore(100)).toBe(15)
      expect([log.logStartOffset, log.logEndOffset, log.sizeBytes]).toEqual([15, 15, 0])
      expect(log.read(15, 1000)).toEqual([])
      const { batch, info } = makeBatch({ records: 2 })
      expect(log.append(batch, info)).toBe(15)
      expect(log.read(15, 1000)).toHaveLength(1)
    })

    it('finds batches by timestamp among those served, earliest on ties', async () => {
      const log = await open()
      const model = appendAll(
        log,
        [500, 100, 300, 300, 200, 500, 400].map((timestamp) => ({ records: 2, timestamp })),
      )
      expect(log.batchForTimestamp(0)?.equals(model[0].bytes)).toBe(true)
      expect(log.batchForTimestamp(250)?.equals(model[0].bytes)).toBe(true)
      expect(log.batchWithMaxTimestamp()?.equals(model[0].bytes)).toBe(true)
      expect(log.batchForTimestamp(501)).toBeNull()
      log.deleteRecordsBefore(2)
      expect(log.batchForTimestamp(250)?.equals(model[2].bytes)).toBe(true)
      expect(log.batchForTimestamp(450)?.equals(model[5].bytes)).toBe(true)
      expect(log.batchWithMaxTimestamp()?.equals(model[5].bytes)).toBe(true)
      log.deleteRecordsBefore(11)
      expect(log.batchWithMaxTimestamp()?.equals(model[5].bytes)).toBe(true)
      log.deleteRecordsBefore(12)
      expect(log.batchWithMaxTimestamp()?.equals(model[6].bytes)).toBe(true)
      expect(log.batchForTimestamp(100)?.equals(model[6].bytes)).toBe(true)
    })

    it('answers timestamp queries like the reference model (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(shapeArbitrary, { minLength: 1, maxLength: 25 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.array(fc.integer({ min: -10, max: 1_010 }), { minLength: 1, maxLength: 10 }),
          async (shapes, deleteFraction, queries) => {
            const log = await open()
            const model = appendAll(log, shapes)
            log.deleteRecordsBefore(Math.floor(deleteFraction * log.logEndOffset))
            const start = log.logStartOffset
            for (const timestamp of queries) {
              const want = expectedForTimestamp(model, start, timestamp)
              const got = log.batchForTimestamp(timestamp)
              expect(got === null ? null : got.equals(want!)).toBe(want === null ? null : true)
            }
            const wantMax = expectedMaxTimestamp(model, start)
            const gotMax = log.batchWithMaxTimestamp()
            expect(gotMax === null ? null : gotMax.equals(wantMax!)).toBe(wantMax === null ? null : true)
            await log.destroy()
          },
        ),
        { numRuns: 25 },
      )
    })

    it('applies time retention from the oldest data and advances the log start', async () => {
      const retention = { retentionMs: 4_500, retentionBytes: -1 }
      const log = await open(retention)
      const model = appendAll(
        log,
        Array.from({ length: 10 }, (_, i) => ({ records: 2, timestamp: 1_000 * i })),
      )
      const before = log.sizeBytes
      const released = log.applyRetention(10_000)
      expect(released).toBe(before - log.sizeBytes)
      // batches 0..5 are older than 4.5 s at 10 s; nothing younger may go
      expect(log.logStartOffset).toBeLessThanOrEqual(model[6].base)
      if (engine.retentionPerBatch) {
        expect(log.logStartOffset).toBe(model[6].base)
        expect(released).toBe(model.slice(0, 6).reduce((sum, b) => sum + b.bytes.length, 0))
      }
      for (const b of model.slice(6)) expect(log.read(b.base, 1)[0].equals(b.bytes)).toBe(true)
      expect(log.read(log.logStartOffset, 1)).toHaveLength(1)
      expect(log.applyRetention(10_000)).toBe(0)
    })

    it('deletes everything once all of it is past retention, and appends continue after it', async () => {
      const log = await open({ retentionMs: 1_000, retentionBytes: -1 })
      appendAll(log, [{ timestamp: 10 }, { timestamp: 20 }, { timestamp: 30 }])
      expect(log.applyRetention(5_000)).toBeGreaterThan(0)
      expect([log.logStartOffset, log.logEndOffset, log.sizeBytes]).toEqual([3, 3, 0])
      expect(log.read(3, 100)).toEqual([])
      expect(log.batchWithMaxTimestamp()).toBeNull()
      const [next] = appendAll(log, [{ timestamp: 5_000 }])
      expect(next.base).toBe(3)
    })

    it('applies size retention, keeping at least retention.bytes as Kafka does', async () => {
      const log = await open()
      const model = appendAll(
        log,
        Array.from({ length: 10 }, () => ({ valueBytes: 40 })),
      )
      const size = model[0].bytes.length
      log.configure({
        retention: { retentionMs: -1, retentionBytes: Math.floor(3.5 * size) },
        segment: engine.segment,
      })
      log.applyRetention(0)
      expect(log.sizeBytes).toBeGreaterThanOrEqual(Math.floor(3.5 * size))
      if (engine.retentionPerBatch) {
        expect(log.logStartOffset).toBe(model[6].base)
        expect(log.sizeBytes).toBe(4 * size)
      }
      expect(
        log.read(log.logStartOffset, size)[0].equals(model.find((b) => b.last >= log.logStartOffset)!.bytes),
      ).toBe(true)
    })

    it('refuses appends once closed', async () => {
      const log = await open()
      appendAll(log, [{}])
      await log.close()
      const { batch, info } = makeBatch()
      expect(() => log.append(batch, info)).toThrow(/closed/)
    })
  })
}
