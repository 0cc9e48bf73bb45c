import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import { ClientHarness } from '../support/client-for.js'
import { until } from './consumer-scenarios.js'

/**
 * The consumer-wide budget (maxBufferedBytes) pauses fetching when it is the
 * only bound that is reached. It fills on a fetch answer; if no record
 * finishes until later (a held handler, an open breaker), the first record
 * that finishes must still wake the fetcher, or the consumer reads nothing
 * more while its lag grows (found by the demo: 0 records/s, buffer empty, no
 * partition paused).
 */
describe('consumer budget filled while nothing finishes', () => {
  let broker: RunningBroker
  const clients = new ClientHarness()

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0 })
  })
  afterAll(async () => {
    await clients.closeAll()
    await broker.close()
  })

  it('fetches again once records finish', async () => {
    const topic = 'budget-wake'
    const records = 400
    await clients.admin({ brokers: broker.bootstrap }).createTopics([{ topic, partitions: 4 }])
    // one record per batch, so the fetch that fills the budget passes it by less than a record
    // and the first record to finish takes it out of "full" again
    const producer = clients.producer({ brokers: broker.bootstrap }, { lingerMs: 0 })
    const value = 'v'.repeat(1000)
    for (let i = 0; i < records; i++) await producer.send({ topic, key: `k${i}`, value })

    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let processed = 0
    const consumer = clients.kafka({ brokers: broker.bootstrap }).consumer({
      groupId: 'budget-wake',
      topics: [topic],
      fromBeginning: true,
      // only the consumer-wide budget can pause fetching (about 60 records of it, over 4
      // partitions, none of which reaches its own high watermark)
      maxBufferedBytes: 64 * 1024,
      partitionBufferBytes: 16 << 20,
      fetch: { partitionMaxBytes: 16 * 1024 },
      heartbeatIntervalMs: 300,
      sessionTimeoutMs: 6000,
    })
    const running = consumer.run(async () => {
      if (processed === 0) await gate
      processed++
    })
    // the budget fills behind the held first record
    await until('the budget filled', () => consumer.metrics().bufferedBytes >= 64 * 1024)
    await new Promise((resolve) => setTimeout(resolve, 200))
    release()
    await until('every record processed', () => processed === records, 10_000)
    await consumer.close()
    await running
    expect(processed).toBe(records)
  })

  it('sizes each fetch to what its records will count, so small records do not overshoot the budget', async () => {
    // a record this small takes ~17 bytes in its batch but counts ~470 once decoded: a fetch of
    // the room left in wire bytes brought twenty times that room. Batches of 1 KiB (~60 records,
    // ~28 KiB counted) keep the one batch a broker returns whatever the size asked small
    const topic = 'budget-small-records'
    await clients.admin({ brokers: broker.bootstrap }).createTopics([{ topic, partitions: 1 }])
    const producer = clients.producer({ brokers: broker.bootstrap }, { lingerMs: 5, batchBytes: 1024 })
    await Promise.all(
      Array.from({ length: 20_000 }, (_, i) => producer.send({ topic, key: `k${i % 100}`, value: `v${i}` })),
    )
    const budget = 256 * 1024
    const consumer = clients.kafka({ brokers: broker.bootstrap }).consumer({
      groupId: 'budget-small-records',
      topics: [topic],
      fromBeginning: true,
      maxBufferedBytes: budget,
      partitionBufferBytes: 16 << 20,
      partitionBufferRecords: 1_000_000,
      maxBufferedRecords: 1_000_000,
      heartbeatIntervalMs: 300,
      sessionTimeoutMs: 6000,
    })
    let processed = 0
    const running = consumer.run(async () => {
      processed++
      if (processed % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 1))
    })
    let peak = 0
    while (processed < 20_000) {
      peak = Math.max(peak, consumer.metrics().bufferedBytes)
      await new Promise((resolve) => setImmediate(resolve))
    }
    await consumer.close()
    await running
    // the budget plus about one answer sized to the room left (before: 1.9 MiB, the first answer)
    expect(peak).toBeLessThan(2 * budget)
  })
})
