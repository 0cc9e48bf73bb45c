import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type DiskLogOptions, DiskPartitionLog } from '../../../src/broker/log/disk-log.js'
import { openPartitionLog } from '../../../src/broker/log/open-partition-log.js'
import type { RetentionSettings, SegmentSettings } from '../../../src/broker/log/partition-log.js'
import { readBatchHeader } from '../../../src/protocol/records/batch-header.js'
import { tagOf } from './support/batches.js'
import { ManualClock } from './support/manual-clock.js'
import { appendAll, describePartitionLogBehaviour, NO_RETENTION } from './support/partition-log-behaviour.js'
import { useTempDirs } from './support/temp-dir.js'

const tempDir = useTempDirs()
const DAY = 24 * 3600_000
const bigSegments: SegmentSettings = { segmentBytes: 1 << 30, segmentMs: 7 * DAY, indexIntervalBytes: 4096 }
/** Smaller than two of the test batches: every batch gets a segment of its own. */
const batchPerSegment: SegmentSettings = { segmentBytes: 100, segmentMs: 7 * DAY, indexIntervalBytes: 0 }
/** A few batches per segment and an index entry every couple of batches. */
const smallSegments: SegmentSettings = { segmentBytes: 700, segmentMs: 7 * DAY, indexIntervalBytes: 150 }

function options(dir: string, segment: SegmentSettings, extra: Partial<DiskLogOptions> = {}): DiskLogOptions {
  return { dir, retention: NO_RETENTION, segment, fsync: 'never', flushIntervalMs: 1000, ...extra }
}

for (const [layout, segment, retentionPerBatch] of [
  ['one segment', bigSegments, false],
  ['one batch per segment', batchPerSegment, true],
  ['small segments, dense index', smallSegments, false],
] as const) {
  describePartitionLogBehaviour(`disk engine (${layout})`, {
    open: (settings) =>
      DiskPartitionLog.open({ ...options(tempDir(), settings.segment), retention: settings.retention }),
    segment,
    retentionPerBatch,
  })
}

function segmentFiles(dir: string, suffix = '.log'): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
}

describe('DiskPartitionLog', () => {
  it('is what openPartitionLog gives with a directory', async () => {
    const dir = tempDir()
    const log = await openPartitionLog(options(dir, bigSegments))
    expect(log).toBeInstanceOf(DiskPartitionLog)
    await log.close()
  })

  it('rolls segments by size, named by base offset, with index files written for rolled ones', async () => {
    const dir = tempDir()
    const log = await DiskPartitionLog.open(options(dir, smallSegments))
    const model = appendAll(
      log,
      Array.from({ length: 40 }, (_, i) => ({ records: 1 + (i % 3), valueBytes: 40, tag: i })),
    )
    const logs = segmentFiles(dir)
    expect(logs.length).toBeGreaterThan(3)
    for (const name of logs) {
      expect(name).toMatch(/^\d{20}\.log$/)
      const size = statSync(join(dir, name)).size
      expect(size).toBeLessThanOrEqual(smallSegments.segmentBytes)
      // a segment starts with the batch whose base offset names it
      const first = readFileSync(join(dir, name)).subarray(0, 61)
      expect(readBatchHeader(first).baseOffset).toBe(BigInt(name.slice(0, 20)))
    }
    for (const name of logs.slice(0, -1)) {
      const base = name.slice(0, 20)
      expect(statSync(join(dir, `${base}.index`)).size % 8).toBe(0)
      expect(statSync(join(dir, `${base}.index`)).size).toBeGreaterThan(0)
      expect(statSync(join(dir, `${base}.timeindex`)).size).toBe(12)
    }
    const all = log.read(0, Number.MAX_SAFE_INTEGER)
    expect(all.map(tagOf)).toEqual(model.map((_, i) => i))
    await log.close()
  })

  it('rolls a segment older than segment.ms at the next append, by the injected clock', async () => {
    const dir = tempDir()
    const clock = new ManualClock()
    const log = await DiskPartitionLog.open(options(dir, { ...bigSegments, segmentMs: 60_000 }, { clock }))
    appendAll(log, [{ timestamp: clock.now() }, { timestamp: clock.now() }])
    clock.advance(60_000)
    appendAll(log, [{ timestamp: clock.now() }])
    expect(segmentFiles(dir)).toHaveLength(1)
    clock.advance(1)
    appendAll(log, [{ timestamp: clock.now() }])
    expect(segmentFiles(dir)).toEqual([`${'0'.repeat(20)}.log`, `${'3'.padStart(20, '0')}.log`])
    // the new segment's age counts from its own first append
    clock.advance(60_000)
    appendAll(log, [{ timestamp: clock.now() }])
    expect(segmentFiles(dir)).toHaveLength(2)
    await log.close()
  })

  it('deletes whole segments on retention and starts the log at the first one left', async () => {
    const dir = tempDir()
    const retention: RetentionSettings = { retentionMs: 10_000, retentionBytes: -1 }
    const log = await DiskPartitionLog.open({ ...options(dir, smallSegments), retention })
    appendAll(
      log,
      Array.from({ length: 30 }, (_, i) => ({ valueBytes: 40, timestamp: i * 1_000 })),
    )
    const before = segmentFiles(dir)
    const released = log.applyRetention(25_000)
    const after = segmentFiles(dir)
    expect(released).toBeGreaterThan(0)
    expect(after.length).toBeLessThan(before.length)
    expect(after).toEqual(before.slice(before.length - after.length))
    expect(log.logStartOffset).toBe(Number(after[0].slice(0, 20)))
    expect(segmentFiles(dir, '.index')).toEqual(after.slice(0, -1).map((n) => n.replace('.log', '.index')))
    // every batch with a timestamp within retention (>= 15 s) is still there
    expect(log.logStartOffset).toBeLessThanOrEqual(15)
    expect(log.read(log.logStartOffset, 1)).toHaveLength(1)
    await log.close()
  })

  it('keeps the log start from DeleteRecords across a reopen, and drops segments wholly below it', async () => {
    const dir = tempDir()
    const log = await DiskPartitionLog.open(options(dir, smallSegments))
    appendAll(
      log,
      Array.from({ length: 30 }, (_, i) => ({ valueBytes: 40, tag: i })),
    )
    const before = segmentFiles(dir)
    expect(log.deleteRecordsBefore(17)).toBe(17)
    const after = segmentFiles(dir)
    expect(after.length).toBeLessThan(before.length)
    expect(Number(after[0].slice(0, 20))).toBeLessThanOrEqual(17)
    await log.close()
    const reopened = await DiskPartitionLog.open(options(dir, smallSegments))
    expect(reopened.logStartOffset).toBe(17)
    expect(reopened.logEndOffset).toBe(30)
    expect(tagOf(reopened.read(17, 1)[0])).toBe(17)
    await reopened.close()
  })

  it('restores everything after a clean close, without rescanning', async () => {
    const dir = tempDir()
    const log = await DiskPartitionLog.open(options(dir, smallSegments))
    const model = appendAll(
      log,
      Array.from({ length: 25 }, (_, i) => ({
        records: 1 + (i % 4),
        valueBytes: 30,
        timestamp: (i * 37) % 101,
        tag: i,
      })),
    )
    log.deleteRecordsBefore(3)
    const state = [log.logStartOffset, log.logEndOffset, log.sizeBytes]
    const everything = Buffer.concat(log.read(0, Number.MAX_SAFE_INTEGER))
    const byTime = [0, 50, 100].map((t) => log.batchForTimestamp(t))
    const max = log.batchWithMaxTimestamp()
    await log.close()

    const reopened = await DiskPartitionLog.open(options(dir, smallSegments))
    expect(reopened.recovery).toEqual({ truncatedBytes: 0, rebuiltSegments: 0 })
    expect([reopened.logStartOffset, reopened.logEndOffset, reopened.sizeBytes]).toEqual(state)
    expect(Buffer.concat(reopened.read(0, Number.MAX_SAFE_INTEGER)).equals(everything)).toBe(true)
    expect([0, 50, 100].map((t) => reopened.batchForTimestamp(t))).toEqual(byTime)
    expect(reopened.batchWithMaxTimestamp()).toEqual(max)
    const [next] = appendAll(reopened, [{ tag: 99 }])
    expect(next.base).toBe(model.at(-1)!.last + 1)
    await reopened.close()
  })

  it('rescans the active segment when the previous run did not close', async () => {
    const dir = tempDir()
    const crashed = await DiskPartitionLog.open(options(dir, smallSegments))
    const model = appendAll(
      crashed,
      Array.from({ length: 12 }, (_, i) => ({ valueBytes: 40, tag: i })),
    )
    // no close: the files stay as a killed process would leave them
    const reopened = await DiskPartitionLog.open(options(dir, smallSegments))
    expect(reopened.recovery.rebuiltSegments).toBe(1)
    expect(reopened.recovery.truncatedBytes).toBe(0)
    expect(reopened.logEndOffset).toBe(model.at(-1)!.last + 1)
    expect(reopened.read(0, Number.MAX_SAFE_INTEGER).map(tagOf)).toEqual(model.map((_, i) => i))
    await reopened.close()
    await crashed.destroy()
  })

  it('starts afresh at the checkpointed start when a crash lost everything after it', async () => {
    const dir = tempDir()
    const log = await DiskPartitionLog.open(options(dir, bigSegments))
    appendAll(log, [{}, {}])
    await log.close()
    writeFileSync(join(dir, 'log-start-offset'), '40\n')
    const reopened = await DiskPartitionLog.open(options(dir, bigSegments))
    expect([reopened.logStartOffset, reopened.logEndOffset, reopened.sizeBytes]).toEqual([40, 40, 0])
    expect(segmentFiles(dir)).toEqual([`${'40'.padStart(20, '0')}.log`])
    expect(appendAll(reopened, [{}])[0].base).toBe(40)
    await reopened.close()
  })

  it('removes its directory on destroy', async () => {
    const dir = join(tempDir(), 'orders-0')
    const log = await DiskPartitionLog.open(options(dir, smallSegments))
    appendAll(log, [{}, {}])
    await log.destroy()
    expect(() => statSync(dir)).toThrow(/ENOENT/)
  })
})
