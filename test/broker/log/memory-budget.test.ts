import { describe, expect, it } from 'vitest'
import {
  defaultMemoryBudget,
  MemoryBudget,
  type MemoryRelease,
} from '../../../src/broker/log/memory-budget.js'
import { MemoryPartitionLog } from '../../../src/broker/log/memory-log.js'
import { makeBatch } from './support/batches.js'
import { NO_RETENTION } from './support/partition-log-behaviour.js'

const segment = { segmentBytes: 1 << 30, segmentMs: 7 * 24 * 3600_000, indexIntervalBytes: 4096 }
const MiB = 1024 * 1024

function logUnder(budget: MemoryBudget, name: string) {
  return new MemoryPartitionLog({ retention: NO_RETENTION, segment, memoryBudget: budget, name })
}

/** Appends `count` batches of one 1000-byte record. */
function fill(log: MemoryPartitionLog, count: number): void {
  for (let i = 0; i < count; i++) {
    const { batch, info } = makeBatch({ valueBytes: 1000, tag: i })
    log.append(batch, info)
  }
}

describe('MemoryBudget', () => {
  it('counts what memory logs hold, and less once they drop batches', () => {
    const budget = new MemoryBudget(Number.POSITIVE_INFINITY)
    const a = logUnder(budget, 'a-0')
    const b = logUnder(budget, 'b-0')
    fill(a, 100)
    fill(b, 3)
    expect(budget.stats().heldBytes).toBe(a.heldBytes + b.heldBytes)
    // the arena allocates ahead, but never wildly: at most twice the bytes plus the first chunk
    expect(a.heldBytes).toBeGreaterThan(a.sizeBytes)
    expect(a.heldBytes).toBeLessThan(2 * a.sizeBytes + 8192)
    const before = a.heldBytes
    a.deleteRecordsBefore(90)
    expect(a.heldBytes).toBeLessThan(before)
    expect(budget.stats().heldBytes).toBe(a.heldBytes + b.heldBytes)
    expect(budget.stats().releasedBytes).toBe(0)
  })

  it('stays under budget by releasing the oldest batches and moving the log start, as retention does', () => {
    const releases: MemoryRelease[] = []
    const budget = new MemoryBudget(1 * MiB, (r) => releases.push(r))
    const log = logUnder(budget, 'firehose-0')
    for (let i = 0; i < 3000; i++) {
      fill(log, 1)
      expect(budget.stats().heldBytes).toBeLessThanOrEqual(1 * MiB)
    }
    expect(log.logStartOffset).toBeGreaterThan(2000)
    expect(log.logEndOffset).toBe(3000)
    // the records still held are the newest ones, from the log start on
    expect(log.read(log.logStartOffset, 1)).toHaveLength(1)
    const stats = budget.stats()
    expect(stats.releasedBatches).toBe(log.logStartOffset)
    expect(stats.releases).toBe(releases.length)
    // each release goes down to 90% of the budget, so they come in chunks, not at every append
    expect(releases.length).toBeLessThan(40)
    expect(releases[0]).toMatchObject({ budgetBytes: 1 * MiB, partitions: [{ name: 'firehose-0' }] })
  })

  it('takes from the partitions holding most and leaves a small one its history', () => {
    const budget = new MemoryBudget(2 * MiB)
    const quiet = logUnder(budget, 'config-0')
    const big = logUnder(budget, 'big-0')
    const bigger = logUnder(budget, 'bigger-0')
    fill(quiet, 20)
    fill(big, 800)
    fill(bigger, 1200)
    expect(quiet.logStartOffset).toBe(0)
    expect(big.logStartOffset).toBeGreaterThan(0)
    expect(bigger.logStartOffset).toBeGreaterThan(0)
    // water filling: the two large ones end up holding about the same (memory frees in whole chunks)
    expect(Math.abs(big.heldBytes - bigger.heldBytes)).toBeLessThan(0.3 * 2 * MiB)
    expect(budget.stats().heldBytes).toBeLessThanOrEqual(2 * MiB)
  })

  it('keeps each partition its newest batch, as retention keeps the active segment', () => {
    const budget = new MemoryBudget(1 * MiB)
    const logs = Array.from({ length: 3 }, (_, i) => logUnder(budget, `t-${i}`))
    // one batch each, every one larger than a third of the budget
    for (const log of logs) {
      const { batch, info } = makeBatch({ records: 1, valueBytes: 400_000 })
      log.append(batch, info)
    }
    for (const log of logs) expect(log.read(0, 1)).toHaveLength(1)
    expect(budget.stats().releasedBatches).toBe(0)
  })

  it('forgets logs that are closed or destroyed', async () => {
    const budget = new MemoryBudget(Number.POSITIVE_INFINITY)
    const a = logUnder(budget, 'a-0')
    const b = logUnder(budget, 'b-0')
    fill(a, 3)
    fill(b, 2)
    await a.destroy()
    expect(budget.stats().heldBytes).toBe(b.heldBytes)
    await b.close()
    expect(budget.stats().heldBytes).toBe(0)
  })

  it('defaults to 512 MiB, or a quarter of the machine when that is less', () => {
    expect(defaultMemoryBudget(16 * 1024 * MiB)).toBe(512 * MiB)
    expect(defaultMemoryBudget(1024 * MiB)).toBe(256 * MiB)
  })
})
