import { describe, expect, it } from 'vitest'
import { MemoryPartitionLog } from '../../../src/broker/log/memory-log.js'
import { openPartitionLog } from '../../../src/broker/log/open-partition-log.js'
import { makeBatch } from './support/batches.js'
import { describePartitionLogBehaviour, NO_RETENTION } from './support/partition-log-behaviour.js'

const segment = { segmentBytes: 1 << 30, segmentMs: 7 * 24 * 3600_000, indexIntervalBytes: 4096 }

describePartitionLogBehaviour('memory engine', {
  open: async (settings) => new MemoryPartitionLog(settings),
  segment,
  retentionPerBatch: true,
})

describe('MemoryPartitionLog', () => {
  it('is what openPartitionLog gives without a directory', async () => {
    const log = await openPartitionLog({
      retention: NO_RETENTION,
      segment,
      fsync: 'always',
      flushIntervalMs: 1000,
    })
    expect(log).toBeInstanceOf(MemoryPartitionLog)
    await log.flush()
    await log.close()
  })

  it('copies a batch that is a view into a larger buffer, so the request it came in can be freed', () => {
    const log = new MemoryPartitionLog({ retention: NO_RETENTION, segment })
    const { batch, info } = makeBatch()
    // large enough to have an ArrayBuffer of its own rather than a slice of Node's pool
    const request = Buffer.concat([Buffer.alloc(7), batch, Buffer.alloc(8_000)])
    const view = request.subarray(7, 7 + batch.length)
    const original = Buffer.from(view)
    log.append(view, info)
    // the request's memory is reused (or freed): what the log holds must not change
    request.fill(0)
    const stored = log.read(0, 1)[0]
    expect(stored.subarray(16).equals(original.subarray(16))).toBe(true)
    expect(stored.length).toBe(original.length)
  })

  it("stores small batches together in the log's own chunks, not in Node's shared buffer pool", () => {
    const log = new MemoryPartitionLog({ retention: NO_RETENTION, segment })
    const stored: Buffer[] = []
    for (let i = 0; i < 3; i++) {
      const { batch, info } = makeBatch({ tag: i })
      const request = Buffer.concat([Buffer.alloc(7), batch, Buffer.alloc(8_000)])
      log.append(request.subarray(7, 7 + batch.length), info)
      stored.push(log.read(i, 1)[0])
    }
    // one chunk of the log's arena holds all three (a pooled copy would share Node's 8 KiB pool)
    expect(new Set(stored.map((b) => b.buffer)).size).toBe(1)
    expect(stored[0].buffer.byteLength).not.toBe(Buffer.poolSize)
    expect(log.heldBytes).toBeLessThan(8192)
  })

  it('drops whole batches only when the time retention of each has passed, oldest first', () => {
    const log = new MemoryPartitionLog({ retention: { retentionMs: 100, retentionBytes: -1 }, segment })
    for (const timestamp of [50, 500, 60]) {
      const { batch, info } = makeBatch({ timestamp })
      log.append(batch, info)
    }
    // the third batch is old but waits behind the second, as a Kafka segment would
    log.applyRetention(300)
    expect(log.logStartOffset).toBe(1)
    log.applyRetention(700)
    expect([log.logStartOffset, log.sizeBytes]).toEqual([3, 0])
  })
})
