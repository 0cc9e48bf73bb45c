import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import type { Consumer, ConsumerOptions, Producer } from '../../../src/index.js'
import { ClientHarness } from '../support/client-for.js'
import { until } from './consumer-scenarios.js'

/**
 * The consumer's buffers under a handler far slower than the topic grows:
 * fetching pauses at the high watermark and memory stays within the budget
 * (pause), or records are dropped and their offsets count as done (the drop
 * strategies), each counted and reported.
 */
describe('consumer backpressure', () => {
  let broker: RunningBroker
  const clients = new ClientHarness()
  let producer: Producer
  const consumers: Consumer[] = []
  let n = 0
  const topic = () => `bp-${n++}`
  const value = 'v'.repeat(200)

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0 })
    producer = clients.producer({ brokers: broker.bootstrap }, { lingerMs: 2 })
  })
  afterAll(async () => {
    await clients.closeAll()
    await broker.close()
  })
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.close()))
  })

  async function fill(t: string, records: number, keys = 1000) {
    await clients.admin({ brokers: broker.bootstrap }).createTopics([{ topic: t, partitions: 2 }])
    const source = Array.from({ length: records }, (_, i) => ({
      topic: t,
      key: `k${i % keys}`,
      value: `${i}:${value}`,
    }))
    for await (const r of producer.sendAll(source, { maxInFlight: 5000 })) if (r.error) throw r.error
  }

  function consumer(options: ConsumerOptions): Consumer {
    const c = clients
      .kafka({ brokers: broker.bootstrap })
      .consumer({ heartbeatIntervalMs: 300, sessionTimeoutMs: 6000, ...options })
    consumers.push(c)
    return c
  }

  it('pause: fetches only what the budget holds, pausing partitions at the high watermark', async () => {
    const t = topic()
    await fill(t, 20_000)
    const maxBufferedBytes = 256 * 1024
    const c = consumer({
      groupId: `g-${t}`,
      topics: [t],
      fromBeginning: true,
      maxBufferedBytes,
      partitionBufferBytes: 64 * 1024,
      fetch: { partitionMaxBytes: 32 * 1024, maxBytes: 64 * 1024 },
    })
    const pauses: string[] = []
    c.on('pause', (e) => pauses.push(`${e.partition}:${e.reason}`))
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let processed = 0
    let peak = 0
    const sampler = setInterval(() => {
      peak = Math.max(peak, c.metrics().bufferedBytes)
    }, 5)
    const running = c.run(async () => {
      await gate
      processed++
    })
    await until(
      'both partitions paused by their buffers',
      () => pauses.filter((p) => p.endsWith('buffer')).length >= 2,
    )
    await new Promise((resolve) => setTimeout(resolve, 300))
    const m = c.metrics()
    // one record is with the handler; nothing more than the buffers' worth was fetched
    expect(m.bufferedBytes).toBeLessThanOrEqual(2 * 64 * 1024 + 64 * 1024)
    expect(m.bufferedRecords).toBeLessThan(20_000)
    expect(m.partitions.every((p) => p.paused)).toBe(true)
    release()
    await until('all 20,000 processed', () => processed === 20_000, 30_000)
    clearInterval(sampler)
    // the budget plus at most one fetch answer
    expect(peak).toBeLessThanOrEqual(maxBufferedBytes + 64 * 1024)
    expect(m.totalLag).toBeGreaterThan(0)
    await c.close()
    await running
  })

  for (const overflow of ['drop-oldest', 'drop-newest'] as const) {
    it(`${overflow}: keeps fetching, drops what does not fit, and counts the dropped offsets as done`, async () => {
      const t = topic()
      await fill(t, 5000)
      const dropped: bigint[] = []
      const c = consumer({
        groupId: `g-${t}`,
        topics: [t],
        fromBeginning: true,
        overflow,
        partitionBufferRecords: 50,
        onDrop: (r) => dropped.push(r.offset),
      })
      const seen: number[] = []
      const running = c.run(async (m) => {
        seen.push(Number(String(m.value).split(':')[0]))
        await new Promise((resolve) => setTimeout(resolve, 1))
      })
      await until('everything seen or dropped', () => seen.length + dropped.length === 5000, 30_000)
      expect(dropped.length).toBeGreaterThan(0)
      expect(c.metrics().drops[overflow]).toBe(dropped.length)
      const admin = clients.admin({ brokers: broker.bootstrap })
      await until('all committed', async () => (await admin.lag(`g-${t}`)).totalLag === 0n)
      if (overflow === 'drop-oldest') {
        // the newest records survive: the last record of the topic is among those processed
        expect(seen).toContain(4999)
      }
      await c.close()
      await running
    })
  }

  it('latest: a newer record of a key replaces the one waiting in the buffer', async () => {
    const t = topic()
    await fill(t, 3000, 10)
    const c = consumer({ groupId: `g-${t}`, topics: [t], fromBeginning: true, overflow: 'latest' })
    const seen: number[] = []
    let drops = 0
    c.on('drop', () => drops++)
    let started = false
    const running = c.run(async (m) => {
      if (!started) {
        started = true
        await new Promise((resolve) => setTimeout(resolve, 300))
      }
      seen.push(Number(String(m.value).split(':')[0]))
    })
    await until('everything seen or conflated', () => seen.length + drops === 3000, 30_000)
    expect(drops).toBeGreaterThan(0)
    // the newest record of every key is processed
    for (let k = 0; k < 10; k++) expect(seen).toContain(2990 + k)
    await c.close()
    await running
  })
})
