import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import { ClientHarness } from '../support/client-for.js'
import { until } from './consumer-scenarios.js'

/**
 * Key order must not hold an idle key behind a busy one: the dispatcher
 * takes records into key lanes up to a lookahead, and a key whose records
 * lie past it would wait until the busy key's records move the window on
 * (head-of-line blocking), although a slot is free and its records are
 * already fetched.
 */
describe('key ordering looks past a busy key', () => {
  let broker: RunningBroker
  const clients = new ClientHarness()

  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', groupInitialRebalanceDelayMs: 0 })
  })
  afterAll(async () => {
    await clients.closeAll()
    await broker.close()
  })

  it('starts a key whose records come after 600 records of another key at once', async () => {
    const topic = 'lookahead'
    await clients.admin({ brokers: broker.bootstrap }).createTopics([{ topic, partitions: 1 }])
    const producer = clients.producer({ brokers: broker.bootstrap }, { lingerMs: 5 })
    const busy = Array.from({ length: 600 }, (_, i) => ({ key: 'busy', value: `busy-${i}` }))
    const idle = Array.from({ length: 20 }, (_, i) => ({ key: `idle-${i}`, value: `idle-${i}` }))
    await producer.send({ topic, messages: [...busy, ...idle] })

    let busyStarted = 0
    let busyStartedWhenIdleBegan = -1
    let idleDone = 0
    const consumer = clients.kafka({ brokers: broker.bootstrap }).consumer({
      groupId: 'lookahead',
      topics: [topic],
      fromBeginning: true,
      ordering: 'key',
      concurrency: 8,
      heartbeatIntervalMs: 300,
      sessionTimeoutMs: 6000,
    })
    const running = consumer.run(async (message) => {
      const key = message.key?.toString()
      if (key === 'busy') {
        busyStarted++
        await new Promise((resolve) => setTimeout(resolve, 2))
        return
      }
      if (busyStartedWhenIdleBegan < 0) busyStartedWhenIdleBegan = busyStarted
      idleDone++
    })
    await until('the idle keys done', () => idleDone === idle.length)
    await consumer.close()
    await running
    // without looking further the idle keys waited until ~350 busy records had started (a lookahead of 256)
    expect(busyStartedWhenIdleBegan).toBeGreaterThanOrEqual(0)
    expect(busyStartedWhenIdleBegan).toBeLessThan(50)
  })
})
