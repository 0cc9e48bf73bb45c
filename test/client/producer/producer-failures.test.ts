import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import type { Cluster } from '../../../src/client/cluster/cluster.js'
import { DeliveryTimeoutError } from '../../../src/client/producer/producer-errors.js'
import { ManualClock } from '../../../src/flow/manual-clock.js'
import { KafkaError, UnsupportedVersionError } from '../../../src/index.js'
import { ClientHarness } from '../support/client-for.js'
import { rawCluster } from '../support/raw-client.js'
import { readPartition } from '../support/read-back.js'

describe('producer failures, rate and serializers', () => {
  let broker: RunningBroker
  let raw: Cluster
  const clients = new ClientHarness()
  let n = 0
  const topic = () => `pf-${n++}`

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', faultInjection: true })
    raw = rawCluster({ brokers: broker.bootstrap })
  })
  afterAll(async () => {
    await raw.close()
    await broker.close()
  })
  afterEach(async () => {
    broker.faults.clear()
    await clients.closeAll()
  })

  it('fails records the broker never acknowledges after deliveryTimeoutMs, with the last error as cause', async () => {
    const p = clients.producer(
      { brokers: broker.bootstrap, requestTimeoutMs: 200 },
      { lingerMs: 0, deliveryTimeoutMs: 700 },
    )
    const t = topic()
    await p.send({ topic: t, value: 'first' })
    broker.faults.hold()
    const error = await p.send({ topic: t, value: 'never answered' }).catch((e) => e)
    expect(error).toBeInstanceOf(DeliveryTimeoutError)
    expect(error.message).toMatch(/not acknowledged within deliveryTimeoutMs \(700 ms\)/)
    expect(String(error.cause)).toMatch(/timed out|not answered|closed/)
    expect(p.metrics().retries).toBeGreaterThan(0)
  })

  it('fails a batch the broker refuses for good, then bumps the epoch and carries on in order', async () => {
    const p = clients.producer({ brokers: broker.bootstrap }, { lingerMs: 0 })
    const t = topic()
    await p.send({ topic: t, value: 'a' })
    broker.faults.failNext('Produce', 'INVALID_RECORD', { topic: t, partition: 0, times: 1 })
    const refused = await p.send({ topic: t, value: 'refused' }).catch((e) => e)
    expect(refused).toBeInstanceOf(KafkaError)
    expect(refused.type).toBe('INVALID_RECORD')
    const after = await Promise.all(['b', 'c', 'd'].map((value) => p.send({ topic: t, value })))
    expect(after.map((m) => m.offset)).toEqual([1n, 2n, 3n])
    expect(p.metrics().epochBumps).toBe(1)
    const stored = await readPartition(raw, t, 0)
    expect(stored.map((r) => r.value)).toEqual(['a', 'b', 'c', 'd'])
    // the new epoch starts its sequences at 0 again
    expect(stored[1].baseSequence).toBe(0)
  })

  it('backs off between metadata refreshes that fail at once, instead of spinning on them', async () => {
    const p = clients.producer({ brokers: broker.bootstrap }, { lingerMs: 0, deliveryTimeoutMs: 5_000 })
    const t = topic()
    await p.send({ topic: t, value: 'first' })
    // a refresh that fails without any I/O (as on a connection whose broker lists no Metadata
    // version), for 300 ms; before, the sender asked again from the wake that followed each
    // failure, a microtask loop that kept the event loop from running anything else
    const cluster = (p as unknown as { cluster: Cluster }).cluster
    const refresh = cluster.refreshMetadata.bind(cluster)
    const failUntil = Date.now() + 300
    let failed = 0
    cluster.refreshMetadata = (...args) => {
      if (Date.now() >= failUntil) return refresh(...args)
      failed++
      return Promise.reject(
        new UnsupportedVersionError('Metadata', 'nowhere', { min: 0, max: 12 }, undefined),
      )
    }
    broker.faults.failNext('Produce', 'NOT_LEADER_OR_FOLLOWER', { topic: t, partition: 0, times: 1 })
    const timer = Date.now()
    const sent = await p.send({ topic: t, value: 'after the refreshes' })
    expect(sent.offset).toBe(1n)
    expect(Date.now() - timer).toBeGreaterThanOrEqual(250)
    // backoffs of 20 ms doubling to 200 ms (the harness's retry settings): a handful in 300 ms
    expect(failed).toBeGreaterThan(0)
    expect(failed).toBeLessThan(20)
  })

  it('paces records to the rate limit', async () => {
    const clock = new ManualClock(1_000)
    const p = clients.producer(
      { brokers: broker.bootstrap },
      { lingerMs: 0, rate: { recordsPerSecond: 100 } },
      clock,
    )
    const t = topic()
    await p.send({ topic: t, value: 'warm' })
    let done = 0
    const sends = Array.from({ length: 250 }, () => p.send({ topic: t, value: 'x' }).then(() => done++))
    const settle = () => new Promise((resolve) => setTimeout(resolve, 100))
    await settle()
    // the burst (one second's worth) went at once
    expect(done).toBe(99)
    await clock.advanceAsync(500)
    await settle()
    expect(done).toBe(149)
    await clock.advanceAsync(1_100)
    await Promise.all(sends)
    expect(done).toBe(250)
  })

  it('serializes with json and custom serializers', async () => {
    const p = clients.producer(
      { brokers: broker.bootstrap },
      { valueSerializer: 'json', keySerializer: (k: { id: number }) => Buffer.from(`id:${k.id}`) },
    )
    const t = topic()
    await p.send({ topic: t, key: { id: 7 }, value: { order: 1, items: ['x'] } })
    const [stored] = await readPartition(raw, t, 0)
    expect(stored.key).toBe('id:7')
    expect(JSON.parse(stored.value!)).toEqual({ order: 1, items: ['x'] })
    const auto = clients.producer({ brokers: broker.bootstrap })
    await expect(auto.send({ topic: t, value: { not: 'bytes' } })).rejects.toThrow(/valueSerializer/)
  })
})
