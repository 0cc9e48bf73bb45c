import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BrokerConfigError } from '../../src/broker/config-error.js'
import { resolveBrokerOptions } from '../../src/broker/options.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { useBrokers } from './support/use-brokers.js'
import type { WireClient } from './support/wire-client.js'
import { createTopic, fetchBody, produce, valuesIn } from './support/wire-helpers.js'

/**
 * The memory engine's byte budget seen from outside: a produce loop well past
 * it keeps the broker under it, moves the log start like retention, and
 * consumers behind it get OFFSET_OUT_OF_RANGE.
 */

const MiB = 1024 * 1024
const BUDGET = 2 * MiB

const brokers = useBrokers()

async function earliest(client: WireClient, topic: string): Promise<bigint> {
  const r = await client.send(Apis.ListOffsets, 7, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] }],
  })
  return r.topics[0].partitions[0].offset
}

describe('memory budget', () => {
  it('keeps a memory broker under budget: oldest records go, log start moves, old offsets are out of range', async () => {
    const lines: string[] = []
    const logger = { debug() {}, info() {}, warn: (l: string) => lines.push(l), error() {} }
    const { broker, client } = await brokers.start({ memoryBudgetBytes: BUDGET, logger })
    await createTopic(client, 'quiet')
    await createTopic(client, 'firehose')
    await produce(client, 'quiet', { 0: ['setting-a', 'setting-b'] })

    const value = 'x'.repeat(100)
    let midway = -1n
    for (let i = 0; i < 3000; i++) {
      const [answer] = await produce(client, 'firehose', { 0: Array.from({ length: 10 }, () => value) })
      expect(answer.errorCode).toBe(0)
      expect(broker.memory.heldBytes).toBeLessThanOrEqual(BUDGET)
      if (i === 2000) midway = await earliest(client, 'firehose')
    }
    // 30,000 records of 100 bytes (3.6 MB of batches) went through a 2 MiB budget
    const start = await earliest(client, 'firehose')
    expect(midway).toBeGreaterThan(0n)
    expect(start).toBeGreaterThan(midway)
    expect(broker.memory).toMatchObject({ budgetBytes: BUDGET })
    expect(broker.memory.releasedBytes).toBeGreaterThan(1 * MiB)
    expect(broker.memory.releasedBatches).toBe(Number(start) / 10)

    // the quiet topic, holding little, kept everything
    expect(await earliest(client, 'quiet')).toBe(0n)
    const fetched = await client.send(Apis.Fetch, 12, {
      ...fetchBody('firehose', 0, 0n),
      topics: [{ ...fetchBody('firehose', 0, 0n).topics[0] }, { ...fetchBody('quiet', 0, 0n).topics[0] }],
    })
    const [firehose, quiet] = fetched.responses.map((r) => r.partitions[0])
    // with the error, as from Kafka, no offsets: the new start is what ListOffsets said above
    expect(firehose).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, logStartOffset: -1n })
    expect(valuesIn(quiet.records)).toEqual(['setting-a', 'setting-b'])

    // from the new start a consumer reads on
    const resumed = await client.send(Apis.Fetch, 12, fetchBody('firehose', 0, start))
    expect(resumed.responses[0].partitions[0].errorCode).toBe(0)
    expect(valuesIn(resumed.responses[0].partitions[0].records).length).toBeGreaterThan(0)

    // one warning (rate-limited), naming the budget and the partition
    const warnings = lines.filter((l) => l.includes('memory budget of 2 MiB reached'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('firehose-0 (log start now')
  })

  it('is not applied with a data directory, and -1 turns it off', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-memory-budget-'))
    brokers.defer(async () => rmSync(dataDir, { recursive: true, force: true }))
    const onDisk = await brokers.start({ logger: 'silent', dataDir, memoryBudgetBytes: BUDGET })
    await createTopic(onDisk.client, 't')
    await produce(onDisk.client, 't', { 0: ['a'] })
    expect(onDisk.broker.memory.heldBytes).toBe(0)

    const unlimited = await brokers.start({ logger: 'silent', memoryBudgetBytes: -1 })
    await createTopic(unlimited.client, 't')
    await produce(unlimited.client, 't', { 0: ['a'] })
    expect(unlimited.broker.memory.budgetBytes).toBe(Number.POSITIVE_INFINITY)
    expect(unlimited.broker.memory.heldBytes).toBeGreaterThan(0)
  })

  it('refuses a budget below 1 MiB naming the option', () => {
    for (const bad of [0, 1000, -2, MiB + 0.5, Number.NaN]) {
      expect(() => resolveBrokerOptions({ memoryBudgetBytes: bad })).toThrow(BrokerConfigError)
      expect(() => resolveBrokerOptions({ memoryBudgetBytes: bad })).toThrow(/memoryBudgetBytes/)
    }
    expect(resolveBrokerOptions({ memoryBudgetBytes: 64 * MiB }).memoryBudgetBytes).toBe(64 * MiB)
    expect(resolveBrokerOptions({}).memoryBudgetBytes).toBeLessThanOrEqual(512 * MiB)
  })
})
