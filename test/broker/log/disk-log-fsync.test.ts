import { describe, expect, it } from 'vitest'
import { type DiskLogOptions, DiskPartitionLog } from '../../../src/broker/log/disk-log.js'
import type { FsyncPolicy } from '../../../src/broker/log/partition-log.js'
import { makeBatch } from './support/batches.js'
import { ManualClock } from './support/manual-clock.js'
import { appendAll, NO_RETENTION } from './support/partition-log-behaviour.js'
import { useTempDirs } from './support/temp-dir.js'

const tempDir = useTempDirs()
const settle = () => new Promise((resolve) => setImmediate(resolve))

/** Waits until `condition` holds: passes also fsync real paths (the directory), which take real time. */
async function eventually(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in 5 s')
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

function options(fsync: FsyncPolicy, clock: ManualClock, segmentBytes = 1 << 30): DiskLogOptions {
  return {
    dir: tempDir(),
    retention: NO_RETENTION,
    segment: { segmentBytes, segmentMs: 1e12, indexIntervalBytes: 4096 },
    fsync,
    flushIntervalMs: 500,
    clock,
  }
}

/** Counts fsyncs; each completes when `release` is called, so a test can look while one is under way. */
function countingFsync() {
  const pending: (() => void)[] = []
  let count = 0
  let holding = true
  return {
    fsync: (_fd: number) =>
      new Promise<void>((resolve) => {
        count++
        if (holding) pending.push(resolve)
        else resolve()
      }),
    /** From now on fsyncs complete at once (to close the log at the end of a test). */
    releaseAll() {
      holding = false
      for (const resolve of pending.splice(0)) resolve()
    },
    get count() {
      return count
    },
    release() {
      for (const resolve of pending.splice(0)) resolve()
    },
  }
}

describe('DiskPartitionLog fsync policies', () => {
  it("'always': an append starts the fsync at once and flush resolves only when it is done", async () => {
    const io = countingFsync()
    const log = await DiskPartitionLog.open(options('always', new ManualClock()), io)
    const { batch, info } = makeBatch()
    log.append(batch, info)
    expect(io.count).toBe(1)
    let flushed = false
    const flushing = log.flush().then(() => {
      flushed = true
    })
    await settle()
    expect(flushed).toBe(false)
    io.release()
    await flushing
    expect(flushed).toBe(true)
    expect(io.count).toBe(1)
    io.release()
    io.releaseAll()
    await log.close()
  })

  it("'always': appends arriving during an fsync share the next one", async () => {
    const io = countingFsync()
    const log = await DiskPartitionLog.open(options('always', new ManualClock()), io)
    appendAll(log, [{}])
    appendAll(log, [{}, {}, {}])
    const flushes = [log.flush(), log.flush(), log.flush()]
    expect(io.count).toBe(1)
    io.release()
    await eventually(() => io.count === 2)
    io.release()
    await Promise.all(flushes)
    expect(io.count).toBe(2)
    io.releaseAll()
    await log.close()
  })

  it("'interval': fsyncs on the log's own timer, and close clears it", async () => {
    const io = countingFsync()
    const clock = new ManualClock()
    const log = await DiskPartitionLog.open(options('interval', clock), io)
    expect(clock.pendingTimers).toBe(1)
    appendAll(log, [{}])
    expect(io.count).toBe(0)
    clock.advance(499)
    expect(io.count).toBe(0)
    clock.advance(1)
    expect(io.count).toBe(1)
    io.release()
    await eventually(() => clock.pendingTimers === 1)
    // nothing new written: the next tick has nothing to sync
    clock.advance(500)
    expect(io.count).toBe(1)
    await settle()
    io.releaseAll()
    await log.close()
    expect(clock.pendingTimers).toBe(0)
  })

  it("'never': appends do not fsync, but flush, a roll and close do", async () => {
    const io = countingFsync()
    const clock = new ManualClock()
    const { batch, info } = makeBatch()
    const log = await DiskPartitionLog.open(options('never', clock, batch.length * 2), io)
    appendAll(log, [{}, {}])
    expect(clock.pendingTimers).toBe(0)
    expect(io.count).toBe(0)
    log.append(batch, info)
    // the roll flushes the old segment in the background
    expect(io.count).toBeGreaterThan(0)
    const before = io.count
    io.release()
    // the batch written after the roll began is not covered by the roll's pass
    const flushing = log.flush()
    await eventually(() => io.count > before)
    io.release()
    await flushing
    io.releaseAll()
    await log.close()
  })

  it('refuses appends after an fsync failed, and reports it from flush', async () => {
    const log = await DiskPartitionLog.open(options('always', new ManualClock()), {
      fsync: async () => {
        throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })
      },
    })
    appendAll(log, [{}])
    await expect(log.flush()).rejects.toThrow(/EIO/)
    const { batch, info } = makeBatch()
    expect(() => log.append(batch, info)).toThrow(/fsync failure/)
    // reads still work: what was written is still there to serve
    expect(log.read(0, 1000)).toHaveLength(1)
    await expect(log.close()).rejects.toThrow(/EIO/)
  })
})
