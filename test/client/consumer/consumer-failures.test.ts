import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import type { Cluster } from '../../../src/client/cluster/cluster.js'
import { DEAD_LETTER_HEADERS } from '../../../src/client/consumer/dead-letter.js'
import type { Consumer, ConsumerOptions, Producer } from '../../../src/index.js'
import { ClientHarness } from '../support/client-for.js'
import { rawCluster } from '../support/raw-client.js'
import { readPartition } from '../support/read-back.js'
import { until } from './consumer-scenarios.js'

describe('consumer failure policies', () => {
  let broker: RunningBroker
  let raw: Cluster
  const clients = new ClientHarness()
  let producer: Producer
  const consumers: Consumer[] = []
  let n = 0
  const topic = () => `fail-${n++}`

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0 })
    raw = rawCluster({ brokers: broker.bootstrap })
    producer = clients.producer({ brokers: broker.bootstrap }, { lingerMs: 1 })
  })
  afterAll(async () => {
    await clients.closeAll()
    await raw.close()
    await broker.close()
  })
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.close()))
  })

  async function fill(t: string, values: readonly { key: string; value: string }[]) {
    await clients.admin({ brokers: broker.bootstrap }).createTopics([{ topic: t, partitions: 1 }])
    for (const v of values) await producer.send({ topic: t, ...v })
  }

  function consumer(options: ConsumerOptions): Consumer {
    const c = clients.kafka({ brokers: broker.bootstrap }).consumer({
      heartbeatIntervalMs: 300,
      sessionTimeoutMs: 6000,
      commitIntervalMs: 100,
      retryBackoffMs: 10,
      retryBackoffMaxMs: 50,
      ...options,
    })
    consumers.push(c)
    return c
  }

  const committed = async (groupId: string) =>
    (await clients.admin({ brokers: broker.bootstrap }).fetchOffsets(groupId))[0]?.offset

  it('retries a failing record while other keys go on, and keeps its key’s order', async () => {
    const t = topic()
    await fill(t, [
      { key: 'a', value: 'a1' },
      { key: 'a', value: 'a2' },
      { key: 'b', value: 'b1' },
      { key: 'b', value: 'b2' },
    ])
    const c = consumer({
      groupId: `g-${t}`,
      topics: [t],
      fromBeginning: true,
      ordering: 'key',
      concurrency: 4,
      attempts: 4,
    })
    const order: string[] = []
    let a1Tries = 0
    const running = c.run(async (m) => {
      if (m.value?.toString() === 'a1' && ++a1Tries < 3) throw new Error('not yet')
      order.push(String(m.value))
    })
    await until('all four', () => order.length === 4)
    expect(a1Tries).toBe(3)
    expect(order.indexOf('a1')).toBeLessThan(order.indexOf('a2'))
    // b did not wait for a's retries
    expect(order.indexOf('b1')).toBeLessThan(order.indexOf('a1'))
    expect(c.metrics().retries).toBe(2)
    await c.close()
    await running
  })

  it('dead-letters a record after its last attempt, with where it came from and why, then goes on', async () => {
    const t = topic()
    const dlq = `${t}-dlq`
    await fill(t, [
      { key: 'k', value: 'good-1' },
      { key: 'k', value: 'poison' },
      { key: 'k', value: 'good-2' },
    ])
    const c = consumer({
      groupId: `g-${t}`,
      topics: [t],
      fromBeginning: true,
      attempts: 2,
      onFailure: 'dead-letter',
      deadLetterTopic: dlq,
    })
    const seen: string[] = []
    const running = c.run((m) => {
      if (m.value?.toString() === 'poison') throw new Error('cannot parse')
      seen.push(String(m.value))
    })
    await until('the good ones', () => seen.length === 2)
    await until('the commit past the poison', async () => (await committed(`g-${t}`)) === 3n)
    const [dead] = await readPartition(raw, dlq, 0)
    expect(dead.value).toBe('poison')
    expect(dead.key).toBe('k')
    const headers = Object.fromEntries(dead.headers)
    expect(headers[DEAD_LETTER_HEADERS.topic]).toBe(t)
    expect(headers[DEAD_LETTER_HEADERS.partition]).toBe('0')
    expect(headers[DEAD_LETTER_HEADERS.offset]).toBe('1')
    expect(headers[DEAD_LETTER_HEADERS.error]).toBe('Error: cannot parse')
    expect(headers[DEAD_LETTER_HEADERS.attempts]).toBe('2')
    expect(c.metrics().deadLettered).toBe(1)
    await c.close()
    await running
  })

  it('skip: logs and moves on; stop: run() rejects and nothing at or after the record is committed', async () => {
    const t = topic()
    await fill(t, [
      { key: 'k', value: 'ok' },
      { key: 'k', value: 'bad' },
      { key: 'k', value: 'after' },
    ])
    const skipping = consumer({ groupId: `skip-${t}`, topics: [t], fromBeginning: true, onFailure: 'skip' })
    const skipped: bigint[] = []
    skipping.on('skip', (e) => skipped.push(e.offset))
    const seen: string[] = []
    const r1 = skipping.run((m) => {
      if (m.value?.toString() === 'bad') throw new Error('bad record')
      seen.push(String(m.value))
    })
    await until('ok and after', () => seen.length === 2)
    expect(skipped).toEqual([1n])
    await skipping.close()
    await r1

    const stopping = consumer({ groupId: `stop-${t}`, topics: [t], fromBeginning: true, onFailure: 'stop' })
    const error = await stopping
      .run((m) => {
        if (m.value?.toString() === 'bad') throw new Error('bad record')
      })
      .catch((e) => e)
    expect(error.message).toBe('bad record')
    expect(await committed(`stop-${t}`)).toBe(1n)
  })

  it('puts a record that fails to deserialize through the failure policy, never a crash loop', async () => {
    const t = topic()
    await fill(t, [
      { key: 'k', value: '{"ok":1}' },
      { key: 'k', value: 'not json' },
      { key: 'k', value: '{"ok":2}' },
    ])
    const c = consumer({
      groupId: `g-${t}`,
      topics: [t],
      fromBeginning: true,
      valueDeserializer: 'json',
      onFailure: 'skip',
    })
    const values: unknown[] = []
    const running = c.run((m) => {
      values.push(m.value)
    })
    await until('two parsed', () => values.length === 2)
    expect(values).toEqual([{ ok: 1 }, { ok: 2 }])
    expect(c.metrics().skipped).toBe(1)
    await c.close()
    await running
  })

  it('opens the circuit breaker when handlers keep failing, pausing fetching, and closes after a good probe', async () => {
    const t = topic()
    await fill(
      t,
      Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: String(i) })),
    )
    const c = consumer({
      groupId: `g-${t}`,
      topics: [t],
      fromBeginning: true,
      attempts: 100,
      circuitBreaker: { failureThreshold: 3, openMs: 300 },
    })
    const states: string[] = []
    const pauses: string[] = []
    c.on('breaker', (e) => states.push(e.state))
    c.on('pause', (e) => pauses.push(e.reason))
    let downstreamUp = false
    const done: string[] = []
    const running = c.run((m) => {
      if (!downstreamUp) throw new Error('downstream down')
      done.push(String(m.value))
    })
    await until('the breaker to open', () => states.includes('open'))
    expect(pauses).toContain('breaker')
    downstreamUp = true
    await until('all 20 processed', () => done.length === 20, 20_000)
    expect(states).toContain('half-open')
    expect(states.at(-1)).toBe('closed')
    expect(done).toEqual(Array.from({ length: 20 }, (_, i) => String(i)))
    await c.close()
    await running
  })

  it('reports a handler stuck past maxProcessingMs, and with onStuck fail treats it as a failed attempt', async () => {
    const t = topic()
    await fill(t, [{ key: 'k', value: 'slow' }])
    const c = consumer({
      groupId: `g-${t}`,
      topics: [t],
      fromBeginning: true,
      maxProcessingMs: 100,
      onStuck: 'fail',
      attempts: 2,
      onFailure: 'skip',
    })
    const stuck: number[] = []
    c.on('stuck', (e) => stuck.push(e.runningMs))
    let calls = 0
    const running = c.run(async () => {
      calls++
      await new Promise((resolve) => setTimeout(resolve, 1000))
    })
    await until('the record skipped after two stuck attempts', () => c.metrics().skipped === 1)
    expect(calls).toBe(2)
    expect(stuck.length).toBe(2)
    expect(stuck[0]).toBeGreaterThanOrEqual(90)
    await c.close()
    await running
  })
})
