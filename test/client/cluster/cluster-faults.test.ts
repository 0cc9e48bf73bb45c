import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type RunningCluster, startCluster } from '../../../src/broker/index.js'
import type { Cluster } from '../../../src/client/cluster/cluster.js'
import type { Admin } from '../../../src/index.js'
import { ClientHarness } from '../support/client-for.js'
import { joinGroupRaw, produceRaw, rawCluster } from '../support/raw-client.js'

/**
 * The client core under the faults of a 3-node embedded cluster: leaders
 * and coordinators that move, connections dropped after a request was
 * applied, errors injected, a node that stops answering. Each time the
 * admin call must still succeed, having refreshed what it knew.
 */
describe('client core against a faulty 3-node cluster', () => {
  let cluster: RunningCluster
  let raw: Cluster
  const clients = new ClientHarness()
  let admin: Admin
  const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 3,
      port: 0,
      logger: 'silent',
      faultInjection: true,
      groupInitialRebalanceDelayMs: 0,
    })
    raw = rawCluster({ brokers: cluster.bootstrap })
  })
  afterAll(async () => {
    await raw.close()
    await cluster.close()
  })
  afterEach(async () => {
    cluster.faults.clear()
    await clients.closeAll()
  })

  const other = (nodeId: number) => cluster.nodes.find((n) => n.running && n.nodeId !== nodeId)!.nodeId

  async function topicWithRecords(partitions = 1): Promise<string> {
    const topic = unique('t')
    admin = clients.admin({ brokers: cluster.bootstrap, requestTimeoutMs: 500 })
    await admin.createTopics([{ topic, partitions, replicationFactor: 3 }])
    for (let p = 0; p < partitions; p++) await produceRaw(raw, topic, p, [{ value: 'x' }, { value: 'y' }])
    return topic
  }

  it('follows a leader that moved: NOT_LEADER_OR_FOLLOWER refreshes metadata and retries', async () => {
    const topic = await topicWithRecords()
    const before = (await admin.describeTopics([topic]))[0].partitions[0]
    const moved = cluster.moveLeader(topic, 0, other(before.leader))
    // the admin's cached metadata still names the old leader, which now refuses
    const [end] = await admin.listOffsets([{ topic, partition: 0, at: 'latest' }])
    expect(end.offset).toBe(2n)
    expect(end.leaderEpoch).toBe(moved.leaderEpoch)
    const after = (await admin.describeTopics([topic]))[0].partitions[0]
    expect(after).toMatchObject({ leader: moved.leaderId, leaderEpoch: moved.leaderEpoch })
  })

  it('retries a request whose connection dropped after the broker applied it', async () => {
    const topic = await topicWithRecords()
    await admin.listOffsets([{ topic, partition: 0, at: 'latest' }])
    const drop = cluster.faults.closeAfterHandling('ListOffsets', { times: 1 })
    const [end] = await admin.listOffsets([{ topic, partition: 0, at: 'latest' }])
    expect(drop.fired).toBe(1)
    expect(end.offset).toBe(2n)
  })

  it('retries only the items that failed with a retriable error', async () => {
    const topic = await topicWithRecords(2)
    const fail = cluster.faults.failNext('ListOffsets', 'LEADER_NOT_AVAILABLE', {
      topic,
      partition: 1,
      times: 2,
    })
    const ends = await admin.listOffsets([
      { topic, partition: 0, at: 'latest' },
      { topic, partition: 1, at: 'latest' },
    ])
    expect(fail.fired).toBe(2)
    expect(ends.map((e) => e.offset)).toEqual([2n, 2n])
  })

  it('sends createTopics again after NOT_CONTROLLER, and reports a non-retriable error without retrying', async () => {
    admin = clients.admin({ brokers: cluster.bootstrap })
    const notController = cluster.faults.failNext('CreateTopics', 'NOT_CONTROLLER', { times: 1 })
    const topic = unique('created')
    await admin.createTopics([{ topic, partitions: 1, replicationFactor: 3 }])
    expect(notController.fired).toBe(1)
    const denied = cluster.faults.failNext('CreateTopics', 'POLICY_VIOLATION', { times: 5 })
    await expect(admin.createTopics([{ topic: unique('denied') }])).rejects.toThrow(/POLICY_VIOLATION/)
    expect(denied.fired).toBe(1)
  })

  it('finds a group coordinator again after it moved', async () => {
    const topic = await topicWithRecords()
    const group = unique('g')
    const member = await joinGroupRaw(raw, group, [topic], 1)
    const [first] = await admin.describeGroups([group])
    expect(first.coordinator).toBe(cluster.coordinatorOf(group))
    const target = other(first.coordinator)
    cluster.moveCoordinator(group, target)
    const [second] = await admin.describeGroups([group])
    expect(second.coordinator).toBe(target)
    expect(second.state).not.toBe('Dead')
    await member.leave().catch(() => {})
  })

  it('waits out COORDINATOR_LOAD_IN_PROGRESS', async () => {
    admin = clients.admin({ brokers: cluster.bootstrap })
    const loading = cluster.faults.failNext('DescribeGroups', 'COORDINATOR_LOAD_IN_PROGRESS', { times: 3 })
    const [described] = await admin.describeGroups([unique('nobody')])
    expect(loading.fired).toBe(3)
    expect(described.state).toBe('Dead')
  })

  it('gives up on a node that stopped answering once its request times out, and finds the new leader', async () => {
    const topic = await topicWithRecords()
    const leader = (await admin.describeTopics([topic]))[0].partitions[0].leader
    const held = cluster.faults.hold(leader)
    cluster.moveLeader(topic, 0, other(leader))
    const [end] = await admin.listOffsets([{ topic, partition: 0, at: 'latest' }])
    expect(end.offset).toBe(2n)
    held.cancel()
  })

  it('carries on when a node stops: its partitions fail over', async () => {
    const topic = await topicWithRecords()
    const leader = (await admin.describeTopics([topic]))[0].partitions[0].leader
    await cluster.stopNode(leader)
    try {
      const [end] = await admin.listOffsets([{ topic, partition: 0, at: 'latest' }])
      expect(end.offset).toBe(2n)
      const [described] = await admin.describeTopics([topic])
      expect(described.partitions[0].leader).not.toBe(leader)
      expect(described.partitions[0].offline).toContain(leader)
    } finally {
      await cluster.startNode(leader)
    }
  })
})
