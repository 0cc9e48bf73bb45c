import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import type { Producer } from '../../../src/index.js'
import { ClientHarness } from '../support/client-for.js'
import { until } from './consumer-scenarios.js'

/** Handles the process holds that matter here: sockets and timers. */
const count = (kind: string) => process.getActiveResourcesInfo().filter((h) => h === kind).length

describe('consumer lifecycle', () => {
  let broker: RunningBroker
  const clients = new ClientHarness()
  let producer: Producer

  beforeAll(async () => {
    broker = await startBroker({
      port: 0,
      logger: 'silent',
      faultInjection: true,
      groupInitialRebalanceDelayMs: 0,
      groupMinSessionTimeoutMs: 500,
    })
    producer = clients.producer({ brokers: broker.bootstrap }, { lingerMs: 1 })
  })
  afterAll(async () => {
    await clients.closeAll()
    await broker.close()
  })

  it('declares its partitions lost when the coordinator stops answering, and carries on once it is back', async () => {
    const topic = 'lost'
    await clients.admin({ brokers: broker.bootstrap }).createTopics([{ topic, partitions: 1 }])
    const c = clients.kafka({ brokers: broker.bootstrap, requestTimeoutMs: 500 }).consumer({
      groupId: 'g-lost',
      topics: [topic],
      fromBeginning: true,
      sessionTimeoutMs: 1000,
      heartbeatIntervalMs: 200,
      commitIntervalMs: 100,
    })
    const events: string[] = []
    c.on('rebalance', (e) => events.push(e.type))
    const seen: string[] = []
    const running = c.run((m) => {
      seen.push(String(m.value))
    })
    await producer.send({ topic, value: 'before' })
    await until('the first record', () => seen.length === 1)
    const held = broker.faults.hold()
    await until('the partitions lost', () => events.includes('lost'), 15_000)
    held.cancel()
    broker.faults.release()
    await producer.send({ topic, value: 'after' })
    await until('the record after', () => seen.includes('after'), 20_000)
    expect(events.filter((e) => e === 'assigned').length).toBeGreaterThanOrEqual(2)
    await c.close()
    await running
  }, 40_000)

  it('close() leaves no socket and no timer of its own behind', async () => {
    const topic = 'closing'
    await clients.admin({ brokers: broker.bootstrap }).createTopics([{ topic, partitions: 2 }])
    await producer.send({ topic, value: 'x' })
    // earlier tests' sockets finish closing first, so the baseline holds still
    let previous = -1
    await until('a steady socket count', async () => {
      const now = count('TCPSocketWrap')
      const steady = now === previous
      previous = now
      await new Promise((resolve) => setTimeout(resolve, 100))
      return steady
    })
    const baselineSockets = count('TCPSocketWrap')
    const baselineTimers = count('Timeout')
    const c = clients.kafka({ brokers: broker.bootstrap }).consumer({
      groupId: 'g-close',
      topics: [topic],
      fromBeginning: true,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 200,
      circuitBreaker: {},
      rate: { recordsPerSecond: 1000 },
    })
    let done = 0
    const running = c.run(() => {
      done++
    })
    await until('the record', () => done === 1)
    await c.close()
    await running
    await until(
      'the broker side of the sockets closed',
      () => count('TCPSocketWrap') <= baselineSockets,
      5_000,
    )
    expect(count('TCPSocketWrap')).toBeLessThanOrEqual(baselineSockets)
    expect(count('Timeout')).toBeLessThanOrEqual(baselineTimers)
  })
})
