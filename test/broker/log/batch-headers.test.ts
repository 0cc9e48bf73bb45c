import { describe, expect, it } from 'vitest'
import { DiskPartitionLog } from '../../../src/broker/log/disk-log.js'
import { MemoryPartitionLog } from '../../../src/broker/log/memory-log.js'
import type {
  PartitionLog,
  RetentionSettings,
  SegmentSettings,
} from '../../../src/broker/log/partition-log.js'
import { type RecordBatchHeader, readBatchHeader } from '../../../src/protocol/records/batch-header.js'
import { encodeRecordBatch } from '../../../src/protocol/records/record-batch.js'
import { useTempDirs } from './support/temp-dir.js'

/**
 * PartitionLog.forEachBatchHeader on both engines: every stored batch's
 * header, oldest first, with the offsets the log assigned and the producer
 * fields as the producer wrote them; on disk across segments, after a reopen,
 * and after retention or DeleteRecords removed the oldest batches.
 */

const tempDir = useTempDirs()
const DAY = 24 * 3600_000
const NO_RETENTION: RetentionSettings = { retentionMs: -1, retentionBytes: -1 }
/** A few batches per segment, so a walk has to cross segment boundaries. */
const smallSegments: SegmentSettings = { segmentBytes: 400, segmentMs: 7 * DAY, indexIntervalBytes: 100 }

interface Written {
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  records: number
  timestamp: number
}

function shape(i: number): Written {
  return {
    // a mix of idempotent producers and plain batches (-1)
    producerId: i % 4 === 3 ? -1n : BigInt(1000 + (i % 3)),
    producerEpoch: i % 4 === 3 ? -1 : i % 2,
    baseSequence: i % 4 === 3 ? -1 : i * 7,
    records: 1 + (i % 4),
    timestamp: 10_000 + i,
  }
}

function appendShapes(log: PartitionLog, shapes: Written[]): { base: number; written: Written }[] {
  return shapes.map((written) => {
    const batch = encodeRecordBatch(
      Array.from({ length: written.records }, (_, r) => ({
        value: Buffer.alloc(30, r),
        timestamp: written.timestamp,
      })),
      {
        producerId: written.producerId,
        producerEpoch: written.producerEpoch,
        baseSequence: written.baseSequence,
      },
    )
    const header = readBatchHeader(batch)
    const base = log.append(batch, {
      offsetCount: header.lastOffsetDelta + 1,
      maxTimestamp: header.maxTimestamp,
    })
    return { base, written }
  })
}

function headersOf(log: PartitionLog): RecordBatchHeader[] {
  const out: RecordBatchHeader[] = []
  log.forEachBatchHeader((h) => out.push(h))
  return out
}

function summary(headers: RecordBatchHeader[]) {
  return headers.map((h) => ({
    base: Number(h.baseOffset),
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    records: h.lastOffsetDelta + 1,
    timestamp: h.maxTimestamp,
  }))
}

function expected(appended: { base: number; written: Written }[]) {
  return appended.map(({ base, written }) => ({
    base,
    producerId: written.producerId,
    producerEpoch: written.producerEpoch,
    baseSequence: written.baseSequence,
    records: written.records,
    timestamp: written.timestamp,
  }))
}

const engines: [string, (retention?: RetentionSettings) => Promise<PartitionLog>][] = [
  [
    'memory',
    async (retention = NO_RETENTION) => new MemoryPartitionLog({ retention, segment: smallSegments }),
  ],
  [
    'disk',
    (retention = NO_RETENTION) =>
      DiskPartitionLog.open({
        dir: tempDir(),
        retention,
        segment: smallSegments,
        fsync: 'never',
        flushIntervalMs: 1000,
      }),
  ],
]

for (const [name, open] of engines) {
  describe(`${name} engine: forEachBatchHeader`, () => {
    it('visits nothing in an empty log', async () => {
      const log = await open()
      expect(headersOf(log)).toEqual([])
      await log.destroy()
    })

    it('visits every batch oldest first with its assigned offsets and producer fields', async () => {
      const log = await open()
      const appended = appendShapes(
        log,
        Array.from({ length: 25 }, (_, i) => shape(i)),
      )
      expect(summary(headersOf(log))).toEqual(expected(appended))
      await log.destroy()
    })

    it('starts at the batch straddling the log start after DeleteRecords', async () => {
      const log = await open()
      const appended = appendShapes(
        log,
        Array.from({ length: 12 }, (_, i) => shape(i)),
      )
      // an offset inside the sixth batch: that batch stays stored, the five before it may go
      const target = appended[5].base + 1
      log.deleteRecordsBefore(target)
      const seen = summary(headersOf(log))
      expect(seen.at(-1)).toEqual(expected(appended).at(-1))
      const firstBase = seen[0].base
      expect(firstBase).toBeLessThanOrEqual(appended[5].base)
      // whatever the engine kept is a suffix of what was written, and holds the straddling batch
      expect(seen).toEqual(expected(appended).filter((b) => b.base >= firstBase))
      await log.destroy()
    })

    it('leaves out batches retention removed', async () => {
      const log = await open()
      const appended = appendShapes(
        log,
        Array.from({ length: 24 }, (_, i) => shape(i)),
      )
      log.configure({
        retention: { retentionMs: -1, retentionBytes: Math.floor(log.sizeBytes / 2) },
        segment: smallSegments,
      })
      expect(log.applyRetention(Date.now())).toBeGreaterThan(0)
      const seen = summary(headersOf(log))
      expect(seen.length).toBeGreaterThan(0)
      expect(seen.length).toBeLessThan(appended.length)
      expect(seen).toEqual(expected(appended).slice(appended.length - seen.length))
      await log.destroy()
    })
  })
}

describe('disk engine: forEachBatchHeader after a restart', () => {
  it('visits what a reopened log recovered, across segments, and refuses once closed', async () => {
    const dir = tempDir()
    const settings = {
      dir,
      retention: NO_RETENTION,
      segment: smallSegments,
      fsync: 'never' as const,
      flushIntervalMs: 1000,
    }
    const first = await DiskPartitionLog.open(settings)
    const appended = appendShapes(
      first,
      Array.from({ length: 30 }, (_, i) => shape(i)),
    )
    await first.close()
    expect(() => first.forEachBatchHeader(() => {})).toThrow(/closed/)

    const reopened = await DiskPartitionLog.open(settings)
    expect(summary(headersOf(reopened))).toEqual(expected(appended))
    await reopened.close()
  })
})
