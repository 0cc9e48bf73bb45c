import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/broker/clock.js'
import { ClusterLeadership } from '../../../src/broker/cluster/cluster-leadership.js'
import { LeadershipStore } from '../../../src/broker/cluster/leadership-store.js'
import { OFFSETS_TOPIC, offsetsPartitionFor, replicaOrder } from '../../../src/broker/cluster/placement.js'
import { createLogFactory } from '../../../src/broker/log-factory.js'
import { silentLogger } from '../../../src/broker/logger.js'
import { resolveBrokerOptions } from '../../../src/broker/options.js'
import type { Partition } from '../../../src/broker/topics/topic.js'
import { TopicStore } from '../../../src/broker/topics/topic-store.js'
import { makeBatch } from '../log/support/batches.js'
import { useTempDirs } from '../log/support/temp-dir.js'

const NODES = [1, 2, 3]

interface Setup {
  topics: TopicStore
  leadership: ClusterLeadership
  changed: string[]
}

const opened: TopicStore[] = []
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close()
})

async function setUp(dataDir?: string, nodes = NODES): Promise<Setup> {
  const options = resolveBrokerOptions({ logger: 'silent', dataDir, fsync: 'never' })
  const topics = new TopicStore(dataDir, createLogFactory(options, systemClock), silentLogger)
  opened.push(topics)
  await topics.load()
  const changed: string[] = []
  const leadership = new ClusterLeadership(
    nodes,
    topics,
    dataDir ? new LeadershipStore(dataDir) : undefined,
    (p: Partition) => changed.push(`${p.topic}-${p.index}`),
  )
  leadership.restore()
  return { topics, leadership, changed }
}

function append(
  topics: TopicStore,
  leadership: ClusterLeadership,
  topic: string,
  partition: number,
  records: number,
) {
  const { batch, info } = makeBatch({ records })
  const log = topics.partition(topic, partition)!.log
  return log.append(batch, { ...info, leaderEpoch: leadership.leaderOf(topic, partition).leaderEpoch })
}

describe('cluster leadership', () => {
  const tempDir = useTempDirs()

  it('gives new partitions their preferred leader at epoch 0, spread over the nodes', async () => {
    const { topics, leadership } = await setUp()
    await topics.create('orders', 6, new Map())
    const leaders = [0, 1, 2, 3, 4, 5].map((p) => leadership.leaderOf('orders', p))
    for (const [p, l] of leaders.entries()) {
      expect(l).toEqual({ leaderId: replicaOrder(NODES, 'orders', p)[0], leaderEpoch: 0 })
    }
    expect(new Set(leaders.map((l) => l.leaderId))).toEqual(new Set(NODES))
    expect(leadership.leaderOf('orders', 6)).toEqual({ leaderId: -1, leaderEpoch: -1 })
    expect(leadership.leaderOf('missing', 0)).toEqual({ leaderId: -1, leaderEpoch: -1 })
    // partitions added later get leaders too
    await topics.addPartitions('orders', 8)
    expect(leadership.leaderOf('orders', 7).leaderId).toBe(replicaOrder(NODES, 'orders', 7)[0])
  })

  it('moves a leader with a new epoch, and wakes what waits on the partition', async () => {
    const { topics, leadership, changed } = await setUp()
    await topics.create('t', 1, new Map())
    const [first, second] = leadership.replicasOf('t', 0)
    expect(leadership.moveLeader('t', 0, second)).toEqual({ leaderId: second, leaderEpoch: 1 })
    expect(changed).toEqual(['t-0'])
    // moving to the current leader changes nothing
    expect(leadership.moveLeader('t', 0, second)).toEqual({ leaderId: second, leaderEpoch: 1 })
    expect(leadership.moveLeader('t', 0, first)).toEqual({ leaderId: first, leaderEpoch: 2 })
    expect(() => leadership.moveLeader('t', 0, 9)).toThrow(/node 9 is not in this cluster/)
    expect(() => leadership.moveLeader('t', 1, first)).toThrow(/no partition 1/)
    expect(() => leadership.moveLeader('nope', 0, first)).toThrow(/no topic nope/)
    leadership.nodeStopped(second)
    expect(() => leadership.moveLeader('t', 0, second)).toThrow(/node \d is stopped/)
  })

  it('fails over to the next live replica, to no one when all are down, and back when a node returns', async () => {
    const { topics, leadership } = await setUp()
    await topics.create('t', 3, new Map())
    const replicas = leadership.replicasOf('t', 0)
    leadership.nodeStopped(replicas[0])
    expect(leadership.leaderOf('t', 0)).toEqual({ leaderId: replicas[1], leaderEpoch: 1 })
    expect(leadership.liveNodeIds()).toEqual(NODES.filter((n) => n !== replicas[0]))
    // partitions the stopped node did not lead keep leader and epoch
    for (const p of [1, 2]) {
      const l = leadership.leaderOf('t', p)
      if (leadership.replicasOf('t', p)[0] !== replicas[0]) expect(l.leaderEpoch).toBe(0)
      expect(l.leaderId).not.toBe(replicas[0])
    }
    leadership.nodeStopped(replicas[1])
    expect(leadership.leaderOf('t', 0)).toEqual({ leaderId: replicas[2], leaderEpoch: 2 })
    leadership.nodeStopped(replicas[2])
    expect(leadership.leaderOf('t', 0)).toEqual({ leaderId: -1, leaderEpoch: 3 })
    expect(leadership.coordinatorOf('any-group')).toBe(-1)
    // a returning node takes the leaderless partitions at once, in replica order among the live
    leadership.nodeStarted(replicas[1])
    expect(leadership.leaderOf('t', 0)).toEqual({ leaderId: replicas[1], leaderEpoch: 4 })
    expect(leadership.coordinatorOf('any-group')).toBe(replicas[1])
    // but the preferred leader coming back takes over only at a preferred election
    leadership.nodeStarted(replicas[0])
    expect(leadership.leaderOf('t', 0)).toEqual({ leaderId: replicas[1], leaderEpoch: 4 })
    expect(leadership.electPreferredLeaders()).toBeGreaterThan(0)
    expect(leadership.leaderOf('t', 0)).toEqual({ leaderId: replicas[0], leaderEpoch: 5 })
    expect(leadership.electPreferredLeaders()).toBe(0)
  })

  it('places group coordinators by their __consumer_offsets partition, and fails them over', async () => {
    const { leadership } = await setUp()
    const groups = Array.from({ length: 60 }, (_, i) => `group-${i}`)
    for (const g of groups) {
      expect(leadership.coordinatorOf(g)).toBe(replicaOrder(NODES, OFFSETS_TOPIC, offsetsPartitionFor(g))[0])
    }
    expect(new Set(groups.map((g) => leadership.coordinatorOf(g)))).toEqual(new Set(NODES))
    const victim = leadership.coordinatorOf('group-0')
    leadership.nodeStopped(victim)
    for (const g of groups) expect(leadership.coordinatorOf(g)).not.toBe(victim)
    const other = NODES.find((n) => n !== victim && n !== leadership.coordinatorOf('group-1'))!
    leadership.moveCoordinator('group-1', other)
    expect(leadership.coordinatorOf('group-1')).toBe(other)
    expect(leadership.offsetsPartitionOf('group-1')).toMatchObject({ leaderId: other })
  })

  it('keeps the epoch history in step with leader changes, however late it is first built', async () => {
    const { topics, leadership } = await setUp()
    await topics.create('t', 1, new Map())
    const [a, b, c] = leadership.replicasOf('t', 0)
    append(topics, leadership, 't', 0, 5) // epoch 0: 0-4
    leadership.moveLeader('t', 0, b) // epoch 1 at 5
    leadership.moveLeader('t', 0, c) // epoch 2 at 5, epoch 1 wrote nothing
    append(topics, leadership, 't', 0, 3) // epoch 2: 5-7
    const built = leadership.historyOf('t', 0)!
    expect(built.all).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 5 },
    ])
    leadership.moveLeader('t', 0, a) // epoch 3 at 8
    append(topics, leadership, 't', 0, 2) // 8-9
    expect(built.all.at(-1)).toEqual({ epoch: 3, startOffset: 8 })
    expect(built.endOffsetFor(1, 0, 10)).toEqual({ leaderEpoch: 0, endOffset: 5 })
    expect(built.endOffsetFor(2, 0, 10)).toEqual({ leaderEpoch: 2, endOffset: 8 })
    expect(built.endOffsetFor(3, 0, 10)).toEqual({ leaderEpoch: 3, endOffset: 10 })
    expect(leadership.historyOf('t', 0)).toBe(built)
    expect(leadership.historyOf('t', 1)).toBeUndefined()
  })

  it('starts a topic deleted and created again afresh', async () => {
    const { topics, leadership } = await setUp()
    await topics.create('t', 1, new Map())
    leadership.moveLeader('t', 0, leadership.replicasOf('t', 0)[1])
    expect(leadership.leaderOf('t', 0).leaderEpoch).toBe(1)
    await topics.delete('t')
    await topics.create('t', 1, new Map())
    expect(leadership.leaderOf('t', 0)).toEqual({
      leaderId: leadership.replicasOf('t', 0)[0],
      leaderEpoch: 0,
    })
  })

  it('keeps leaders and epochs in the data directory and rebuilds the history from the batches', async () => {
    const dir = tempDir()
    const first = await setUp(dir)
    await first.topics.create('t', 2, new Map())
    const [a, b] = first.leadership.replicasOf('t', 0)
    append(first.topics, first.leadership, 't', 0, 4) // epoch 0: 0-3
    first.leadership.moveLeader('t', 0, b) // epoch 1 at 4
    append(first.topics, first.leadership, 't', 0, 2) // epoch 1: 4-5
    first.leadership.moveLeader('t', 0, a) // epoch 2 at 6, nothing written since
    first.leadership.moveCoordinator('g', b)
    const coordinatorEpoch = first.leadership.offsetsPartitionOf('g').leaderEpoch
    const before = first.leadership.historyOf('t', 0)!.all
    await first.topics.close()
    opened.splice(opened.indexOf(first.topics), 1)

    const second = await setUp(dir)
    expect(second.leadership.leaderOf('t', 0)).toEqual({ leaderId: a, leaderEpoch: 2 })
    expect(second.leadership.leaderOf('t', 1)).toEqual(first.leadership.leaderOf('t', 1))
    expect(second.leadership.coordinatorOf('g')).toBe(b)
    expect(second.leadership.offsetsPartitionOf('g').leaderEpoch).toBe(coordinatorEpoch)
    expect(second.leadership.historyOf('t', 0)!.all).toEqual(before)
    expect(second.leadership.historyOf('t', 0)!.endOffsetFor(1, 0, 6)).toEqual({
      leaderEpoch: 1,
      endOffset: 6,
    })
    await second.topics.close()
    opened.splice(opened.indexOf(second.topics), 1)

    // a cluster without the node that led: a new election, and a newer epoch, never an older one
    const smaller = await setUp(
      dir,
      NODES.filter((n) => n !== a),
    )
    expect(smaller.leadership.leaderOf('t', 0).leaderId).not.toBe(a)
    expect(smaller.leadership.leaderOf('t', 0).leaderEpoch).toBe(3)
    await smaller.topics.close()
    opened.splice(opened.indexOf(smaller.topics), 1)
  })

  it('refuses a leadership file it cannot read, naming it', async () => {
    const dir = tempDir()
    const { mkdirSync, writeFileSync } = await import('node:fs')
    mkdirSync(`${dir}/cluster`)
    writeFileSync(`${dir}/cluster/leadership.json`, '{"version":7}')
    await expect(setUp(dir)).rejects.toThrow(/leadership\.json: not a leadership file/)
  })
})
