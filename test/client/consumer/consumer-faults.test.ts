import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type RunningCluster, startCluster } from '../../../src/broker/index.js'
import type { Consumer, Producer } from '../../../src/index.js'
import { ClientHarness } from '../support/client-for.js'
import { until } from './consumer-scenarios.js'

/**
 * The consumer on a faulty 3-node embedded cluster: leaders that move,
 * a group coordinator that moves, a node that stops and comes back, and
 * commits from a generation that is over. Nothing is lost, and commits of a
 * past generation are dropped, not retried into the new one.
 */
describe('consumer under faults (3-node embedded cluster)', () => {
  let cluster: RunningCluster
  const clients = new ClientHarness()
  let producer: Producer
  const consumers: Consumer[] = []
  let n = 0

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 3,
      port: 0,
      logger: 'silent',
      faultInjection: true,
      groupInitialRebalanceDelayMs: 0,
    })
    producer = clients.producer({ brokers: cluster.bootstrap }, { lingerMs: 1 })
  })
  afterAll(async () => {
    await clients.closeAll()
    await cluster.close()
  })
  afterEach(async () => {
    cluster.faults.clear()
    await Promise.all(consumers.splice(0).map((c) => c.close()))
  })

  it('reads everything while leaders move, the coordinator moves and a node stops and comes back', async () => {
    const topic = `faults-${n++}`
    const groupId = `g-${topic}`
    await clients
      .admin({ brokers: cluster.bootstrap })
      .createTopics([{ topic, partitions: 3, replicationFactor: 3 }])
    const c = clients.kafka({ brokers: cluster.bootstrap, requestTimeoutMs: 2000 }).consumer({
      groupId,
      topics: [topic],
      fromBeginning: true,
      ordering: 'key',
      concurrency: 4,
      heartbeatIntervalMs: 200,
      sessionTimeoutMs: 6000,
      commitIntervalMs: 100,
    })
    consumers.push(c)
    const seen = new Set<string>()
    const running = c.run((m) => {
      seen.add(String(m.value))
    })
    const RECORDS = 3000
    for (let i = 0; i < RECORDS; i++) {
      void producer.send({ topic, key: `k${i % 50}`, value: String(i) })
      if (i === 500) cluster.moveLeader(topic, 0, (cluster.leaderOf(topic, 0).leaderId % 3) + 1)
      if (i === 1000) cluster.moveCoordinator(groupId, (cluster.coordinatorOf(groupId) % 3) + 1)
      if (i === 1500) await cluster.stopNode(cluster.leaderOf(topic, 1).leaderId)
      if (i === 2500)
        for (const node of cluster.nodes) if (!node.running) await cluster.startNode(node.nodeId)
      if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await producer.flush()
    await until('every record', () => seen.size === RECORDS, 40_000)
    const admin = clients.admin({ brokers: cluster.bootstrap })
    await until('everything committed', async () => (await admin.lag(groupId)).totalLag === 0n, 20_000)
    await c.close()
    await running
  })

  it('drops a commit from a generation that is over instead of retrying it', async () => {
    const topic = `fence-${n++}`
    const groupId = `g-${topic}`
    await clients
      .admin({ brokers: cluster.bootstrap })
      .createTopics([{ topic, partitions: 1, replicationFactor: 3 }])
    for (let i = 0; i < 10; i++) await producer.send({ topic, value: String(i) })
    const c = clients.kafka({ brokers: cluster.bootstrap }).consumer({
      groupId,
      topics: [topic],
      fromBeginning: true,
      heartbeatIntervalMs: 200,
      sessionTimeoutMs: 6000,
      commitIntervalMs: 50,
    })
    consumers.push(c)
    let done = 0
    const running = c.run(() => {
      done++
    })
    await until('ten', () => done === 10)
    const admin = clients.admin({ brokers: cluster.bootstrap })
    await until('the commit', async () => (await admin.fetchOffsets(groupId))[0]?.offset === 10n)
    const fenced = cluster.faults.failNext('OffsetCommit', 'ILLEGAL_GENERATION', { times: 1 })
    await producer.send({ topic, value: 'eleven' })
    await until('the fenced commit', () => fenced.fired === 1)
    // the refused commit is not sent again within the same generation: the next one moves on
    await producer.send({ topic, value: 'twelve' })
    await until('the later commit', async () => (await admin.fetchOffsets(groupId))[0]?.offset === 12n)
    expect(fenced.fired).toBe(1)
    await c.close()
    await running
  })

  it('reports as committed only the offsets the coordinator took', async () => {
    const topic = `refused-${n++}`
    const groupId = `g-${topic}`
    await clients
      .admin({ brokers: cluster.bootstrap })
      .createTopics([{ topic, partitions: 1, replicationFactor: 3 }])
    const c = clients.kafka({ brokers: cluster.bootstrap }).consumer({
      groupId,
      topics: [topic],
      fromBeginning: true,
      heartbeatIntervalMs: 200,
      sessionTimeoutMs: 6000,
      commitIntervalMs: 50,
    })
    consumers.push(c)
    const reported: bigint[] = []
    c.on('commit', (commit) => {
      for (const o of commit.offsets) reported.push(o.offset)
    })
    let done = 0
    const running = c.run(() => {
      done++
    })
    await until('the assignment', () => c.assignment().length === 1)
    const refused = cluster.faults.failNext('OffsetCommit', 'ILLEGAL_GENERATION', { times: 1_000 })
    for (let i = 0; i < 5; i++) await producer.send({ topic, value: String(i) })
    await until('five processed', () => done === 5)
    await until('three refused commits', () => refused.fired >= 3)
    expect(reported).toEqual([])
    expect(c.metrics().commits).toBe(0)
    cluster.faults.clear()
    await until('the commit once taken', () => reported.includes(5n))
    const admin = clients.admin({ brokers: cluster.bootstrap })
    expect((await admin.fetchOffsets(groupId))[0].offset).toBe(5n)
    await c.close()
    await running
  })
})
