import { cpSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type DiskLogOptions, DiskPartitionLog } from '../../../src/broker/log/disk-log.js'
import type { SegmentSettings } from '../../../src/broker/log/partition-log.js'
import { verifyBatchCrc } from '../../../src/protocol/records/batch-header.js'
import { tagOf } from './support/batches.js'
import { type Appended, appendAll, NO_RETENTION } from './support/partition-log-behaviour.js'
import { useTempDirs } from './support/temp-dir.js'

const tempDir = useTempDirs()
const oneSegment: SegmentSettings = { segmentBytes: 1 << 30, segmentMs: 1e12, indexIntervalBytes: 100 }
const smallSegments: SegmentSettings = { segmentBytes: 500, segmentMs: 1e12, indexIntervalBytes: 100 }

/** Durability is not what these tests are about; skipping fsync keeps hundreds of reopenings fast. */
const noFsync = { fsync: async () => {} }

function options(dir: string, segment: SegmentSettings): DiskLogOptions {
  return { dir, retention: NO_RETENTION, segment, fsync: 'never', flushIntervalMs: 1000 }
}

interface Original {
  dir: string
  model: Appended[]
  /** The active segment's .log file name. */
  active: string
}

/** Writes a log and closes it, then removes the clean-shutdown marker so the next open behaves as after a crash. */
async function writeOriginal(segment: SegmentSettings, count: number): Promise<Original> {
  const dir = tempDir()
  const log = await DiskPartitionLog.open(options(dir, segment), noFsync)
  const model = appendAll(
    log,
    Array.from({ length: count }, (_, i) => ({ records: 1 + (i % 3), valueBytes: 20 + i, tag: i })),
  )
  await log.close()
  rmSync(join(dir, 'clean-shutdown'))
  const active = readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .sort()
    .at(-1)!
  return { dir, model, active }
}

function copyOf(original: Original): string {
  const dir = tempDir()
  cpSync(original.dir, dir, { recursive: true })
  return dir
}

/** Position of a batch inside the active segment (the model's batches there, summed). */
function positionIn(original: Original, batchIndex: number): number {
  const base = Number(original.active.slice(0, 20))
  return original.model
    .slice(0, batchIndex)
    .filter((b) => b.base >= base)
    .reduce((sum, b) => sum + b.bytes.length, 0)
}

/** Opens the damaged copy and checks it serves exactly `survivors` batches, intact, and appends after them. */
async function expectRecoveredTo(
  dir: string,
  segment: SegmentSettings,
  model: Appended[],
  survivors: number,
) {
  const log = await DiskPartitionLog.open(options(dir, segment), noFsync)
  const end = survivors === 0 ? 0 : model[survivors - 1].last + 1
  expect(log.logEndOffset).toBe(end)
  const all = log.read(0, Number.MAX_SAFE_INTEGER)
  expect(all).toHaveLength(survivors)
  all.forEach((batch, i) => {
    expect(() => verifyBatchCrc(batch)).not.toThrow()
    expect(batch.equals(model[i].bytes)).toBe(true)
  })
  const [next] = appendAll(log, [{ tag: 1234 }])
  expect(next.base).toBe(end)
  await log.close()
  const again = await DiskPartitionLog.open(options(dir, segment), noFsync)
  expect(again.logEndOffset).toBe(end + 1)
  expect(tagOf(again.read(end, 1)[0])).toBe(1234)
  await again.close()
  return log.recovery
}

describe('DiskPartitionLog recovery', () => {
  for (const [layout, segment] of [
    ['a single segment', oneSegment],
    ['the last of several segments', smallSegments],
  ] as const) {
    it(`cuts a torn last batch in ${layout} at every byte it could have been cut`, async () => {
      const original = await writeOriginal(segment, 12)
      const last = original.model.length - 1
      const start = positionIn(original, last)
      const size = original.model[last].bytes.length
      expect(statSync(join(original.dir, original.active)).size).toBe(start + size)
      for (let cut = start; cut < start + size; cut++) {
        const dir = copyOf(original)
        truncateSync(join(dir, original.active), cut)
        const recovery = await expectRecoveredTo(dir, segment, original.model, last)
        expect(recovery.truncatedBytes).toBe(cut - start)
      }
    })
  }

  it('drops the last batch when any byte its CRC or framing covers is flipped', async () => {
    const original = await writeOriginal(oneSegment, 6)
    const last = original.model.length - 1
    const start = positionIn(original, last)
    const size = original.model[last].bytes.length
    // bytes 0-7 (base offset) and 12-15 (leader epoch) lie outside the CRC, as Kafka's format has it
    for (let at = 8; at < size; at++) {
      if (at >= 12 && at < 16) continue
      const dir = copyOf(original)
      const path = join(dir, original.active)
      const bytes = readFileSync(path)
      bytes[start + at] ^= 0xff
      writeFileSync(path, bytes)
      const recovery = await expectRecoveredTo(dir, oneSegment, original.model, last)
      expect(recovery.truncatedBytes).toBe(size)
    }
  })

  it('ends the log before a corrupt batch in the middle of the active segment', async () => {
    const original = await writeOriginal(oneSegment, 8)
    const dir = copyOf(original)
    const path = join(dir, original.active)
    const bytes = readFileSync(path)
    bytes[positionIn(original, 3) + 40] ^= 0x01
    writeFileSync(path, bytes)
    await expectRecoveredTo(dir, oneSegment, original.model, 3)
  })

  for (const [what, garbage] of [
    [
      'random bytes',
      (_last: Buffer) => Buffer.from(Array.from({ length: 150 }, (_, i) => (i * 73 + 11) & 0xff)),
    ],
    ['zeros', () => Buffer.alloc(100)],
    [
      'a header claiming more bytes than the file has',
      (last: Buffer) => {
        const header = Buffer.from(last.subarray(0, 61))
        header.writeInt32BE(0x7fff_0000, 8)
        return header
      },
    ],
    ['a copy of the last batch, whose offsets go backwards', (last: Buffer) => Buffer.from(last)],
    ['a few bytes', () => Buffer.from([0, 0, 0])],
  ] as const) {
    it(`removes ${what} appended after the last batch`, async () => {
      const original = await writeOriginal(smallSegments, 10)
      const dir = copyOf(original)
      const path = join(dir, original.active)
      const tail = garbage(original.model.at(-1)!.bytes)
      writeFileSync(path, Buffer.concat([readFileSync(path), tail]))
      const recovery = await expectRecoveredTo(dir, smallSegments, original.model, original.model.length)
      expect(recovery.truncatedBytes).toBe(tail.length)
    })
  }

  describe('a rolled segment with bad index files is rebuilt from its log', () => {
    const damages: [string, (dir: string, base: string) => void][] = [
      ['missing .index', (dir, base) => rmSync(join(dir, `${base}.index`))],
      ['missing .timeindex', (dir, base) => rmSync(join(dir, `${base}.timeindex`))],
      [
        'a partial .index entry',
        (dir, base) => writeFileSync(join(dir, `${base}.index`), Buffer.from([0, 0, 0, 1, 0])),
      ],
      [
        'an .index entry past the end of the log',
        (dir, base) => {
          const entry = Buffer.alloc(8)
          entry.writeInt32BE(1, 0)
          entry.writeInt32BE(1 << 20, 4)
          writeFileSync(join(dir, `${base}.index`), entry)
        },
      ],
      ['an empty .timeindex', (dir, base) => writeFileSync(join(dir, `${base}.timeindex`), Buffer.alloc(0))],
    ]
    for (const [what, damage] of damages) {
      it(what, async () => {
        const original = await writeOriginal(smallSegments, 20)
        const logs = readdirSync(original.dir)
          .filter((n) => n.endsWith('.log'))
          .sort()
        const base = logs[1].slice(0, 20)
        const indexBefore = readFileSync(join(original.dir, `${base}.index`))
        const dir = copyOf(original)
        damage(dir, base)
        const recovery = await expectRecoveredTo(dir, smallSegments, original.model, original.model.length)
        // the damaged one, and the active segment which is always scanned after a crash
        expect(recovery.rebuiltSegments).toBe(2)
        expect(recovery.truncatedBytes).toBe(0)
        expect(readFileSync(join(dir, `${base}.index`)).equals(indexBefore)).toBe(true)
      })
    }
  })

  it('cuts a torn rolled segment and still serves the segments after it', async () => {
    const original = await writeOriginal(smallSegments, 20)
    const logs = readdirSync(original.dir)
      .filter((n) => n.endsWith('.log'))
      .sort()
    const dir = copyOf(original)
    const torn = join(dir, logs[1])
    truncateSync(torn, statSync(torn).size - 5)
    const log = await DiskPartitionLog.open(options(dir, smallSegments), noFsync)
    expect(log.recovery.truncatedBytes).toBeGreaterThan(0)
    const nextBase = Number(logs[2].slice(0, 20))
    const lost = original.model.find((b) => b.last === nextBase - 1)!
    const served = log.read(0, Number.MAX_SAFE_INTEGER)
    expect(served.map(tagOf)).toEqual(original.model.filter((b) => b !== lost).map((b) => tagOf(b.bytes)))
    // an offset of the lost batch reads from the next batch there is
    expect(tagOf(log.read(lost.base, 1)[0])).toBe(
      tagOf(original.model[original.model.indexOf(lost) + 1].bytes),
    )
    expect(log.logEndOffset).toBe(original.model.at(-1)!.last + 1)
    await log.close()
  })

  it('does not trust a clean-shutdown marker that no longer matches the active segment', async () => {
    const dir = tempDir()
    const log = await DiskPartitionLog.open(options(dir, oneSegment), noFsync)
    const model = appendAll(log, [{ tag: 0 }, { tag: 1 }, { tag: 2 }])
    await log.close()
    const active = readdirSync(dir).find((n) => n.endsWith('.log'))!
    truncateSync(join(dir, active), statSync(join(dir, active)).size - 1)
    const reopened = await DiskPartitionLog.open(options(dir, oneSegment), noFsync)
    expect(reopened.recovery.rebuiltSegments).toBe(1)
    expect(reopened.logEndOffset).toBe(model[1].last + 1)
    await reopened.close()
  })
})
