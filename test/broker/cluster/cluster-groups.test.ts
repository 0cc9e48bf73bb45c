import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import type { WireClient } from '../support/wire-client.js'
import { joinAlone, joinBody } from '../support/wire-helpers.js'
import { createTopic, useClusters } from './support/cluster-wire.js'

function commit(
  client: WireClient,
  groupId: string,
  member: { memberId: string; generationId: number },
  offset: bigint,
) {
  return client.send(Apis.OffsetCommit, 8, {
    groupId,
    generationId: member.generationId,
    memberId: member.memberId,
    groupInstanceId: null,
    topics: [
      {
        name: 't',
        partitions: [
          { partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: 0, committedMetadata: null },
          { partitionIndex: 1, committedOffset: offset, committedLeaderEpoch: 0, committedMetadata: null },
        ],
      },
    ],
  })
}

/** Group ids whose coordinators are, between them, every node. */
function groupsOnEveryNode(coordinatorOf: (g: string) => number): Map<number, string> {
  const byNode = new Map<number, string>()
  for (let i = 0; byNode.size < 3; i++) {
    const g = `group-${i}`
    if (!byNode.has(coordinatorOf(g))) byNode.set(coordinatorOf(g), g)
  }
  return byNode
}

describe('test cluster over the wire: group coordinators', () => {
  const start = useClusters()

  it('spreads coordinators, and FindCoordinator on any node names the coordinator', async () => {
    const { cluster, clients } = await start()
    const groups = groupsOnEveryNode((g) => cluster.coordinatorOf(g))
    for (const client of clients.values()) {
      for (const [nodeId, groupId] of groups) {
        const node = cluster.nodes.find((n) => n.nodeId === nodeId)!
        const v3 = await client.send(Apis.FindCoordinator, 3, { key: groupId, keyType: 0 })
        expect([v3.errorCode, v3.nodeId, v3.host, v3.port]).toEqual([0, nodeId, node.host, node.port])
      }
      const v4 = await client.send(Apis.FindCoordinator, 4, {
        keyType: 0,
        coordinatorKeys: [...groups.values()],
      })
      expect(v4.coordinators.map((c) => [c.key, c.errorCode, c.nodeId])).toEqual(
        [...groups].map(([nodeId, groupId]) => [groupId, 0, nodeId]),
      )
    }
  })

  it('answers NOT_COORDINATOR for every group API on any node but the coordinator', async () => {
    const { cluster, clients } = await start()
    await createTopic(clients.get(1)!, 't', 2)
    const groupId = 'billing'
    const coordinator = cluster.coordinatorOf(groupId)
    const member = await joinAlone(clients.get(coordinator)!, groupId)
    expect(
      (await commit(clients.get(coordinator)!, groupId, member, 5n)).topics[0].partitions.map(
        (p) => p.errorCode,
      ),
    ).toEqual([0, 0])

    for (const [nodeId, client] of clients) {
      if (nodeId === coordinator) continue
      const NC = ErrorCode.NOT_COORDINATOR
      expect((await client.send(Apis.JoinGroup, 7, joinBody(groupId, member.memberId))).errorCode).toBe(NC)
      expect((await client.send(Apis.JoinGroup, 0, joinBody(groupId))).errorCode).toBe(NC)
      const sync = await client.send(Apis.SyncGroup, 5, {
        groupId,
        generationId: member.generationId,
        memberId: member.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [],
      })
      expect(sync.errorCode).toBe(NC)
      const hb = await client.send(Apis.Heartbeat, 4, { groupId, ...member, groupInstanceId: null })
      expect(hb.errorCode).toBe(NC)
      expect(
        (await commit(client, groupId, member, 9n)).topics[0].partitions.map((p) => p.errorCode),
      ).toEqual([NC, NC])
      const v1 = await client.send(Apis.OffsetFetch, 1, {
        groupId,
        topics: [{ name: 't', partitionIndexes: [0, 1] }],
      })
      expect(v1.topics[0].partitions.map((p) => p.errorCode)).toEqual([NC, NC])
      const v7 = await client.send(Apis.OffsetFetch, 7, { groupId, topics: null, requireStable: false })
      expect([v7.errorCode, v7.topics]).toEqual([NC, []])
      const v8 = await client.send(Apis.OffsetFetch, 8, {
        groups: [{ groupId, topics: null }],
        requireStable: false,
      })
      expect(v8.groupIds[0].errorCode).toBe(NC)
      const described = await client.send(Apis.DescribeGroups, 5, {
        groups: [groupId],
        includeAuthorizedOperations: false,
      })
      expect(described.groups[0]).toMatchObject({ errorCode: NC, groupId, groupState: '', members: [] })
      const deleted = await client.send(Apis.DeleteGroups, 2, { groupsNames: [groupId] })
      expect(deleted.results).toEqual([{ groupId, errorCode: NC }])
      const left = await client.send(Apis.LeaveGroup, 4, {
        groupId,
        members: [{ memberId: member.memberId, groupInstanceId: null }],
      })
      expect(left.errorCode).toBe(NC)
      expect((await client.send(Apis.ListGroups, 4, { statesFilter: [] })).groups).toEqual([])
    }
    // nothing above reached the group: the member is still there, its offsets unchanged
    const at = clients.get(coordinator)!
    const hb = await at.send(Apis.Heartbeat, 4, { groupId, ...member, groupInstanceId: null })
    expect(hb.errorCode).toBe(0)
    const fetched = await at.send(Apis.OffsetFetch, 7, { groupId, topics: null, requireStable: false })
    expect(fetched.topics[0].partitions.map((p) => p.committedOffset)).toEqual([5n, 5n])
    const listed = await at.send(Apis.ListGroups, 4, { statesFilter: [] })
    expect(listed.groups.map((g) => [g.groupId, g.groupState])).toEqual([[groupId, 'Stable']])
  })

  it('fails a group over when its coordinator stops: the member carries on at the new one', async () => {
    const { cluster, clients, connect } = await start()
    await createTopic(clients.get(1)!, 't', 2)
    const groupId = 'ledger'
    const first = cluster.coordinatorOf(groupId)
    const member = await joinAlone(clients.get(first)!, groupId)
    await commit(clients.get(first)!, groupId, member, 7n)

    await cluster.stopNode(first)
    const survivor = [...clients.keys()].find((id) => id !== first)!
    const found = await clients.get(survivor)!.send(Apis.FindCoordinator, 3, { key: groupId, keyType: 0 })
    expect(found.errorCode).toBe(0)
    expect(found.nodeId).not.toBe(first)
    expect(found.nodeId).toBe(cluster.coordinatorOf(groupId))
    const next = clients.get(found.nodeId)!
    // same generation and member: the group state is what the old coordinator left (as loaded from __consumer_offsets)
    expect(
      (await next.send(Apis.Heartbeat, 4, { groupId, ...member, groupInstanceId: null })).errorCode,
    ).toBe(0)
    const fetched = await next.send(Apis.OffsetFetch, 7, { groupId, topics: null, requireStable: false })
    expect(fetched.topics[0].partitions.map((p) => p.committedOffset)).toEqual([7n, 7n])
    expect((await commit(next, groupId, member, 8n)).topics[0].partitions.map((p) => p.errorCode)).toEqual([
      0, 0,
    ])

    // back again: the group stays where it moved until a preferred-leader election
    await cluster.startNode(first)
    const returned = await connect(first)
    expect(
      (await returned.send(Apis.Heartbeat, 4, { groupId, ...member, groupInstanceId: null })).errorCode,
    ).toBe(ErrorCode.NOT_COORDINATOR)
    cluster.electPreferredLeaders()
    expect(cluster.coordinatorOf(groupId)).toBe(first)
    expect(
      (await returned.send(Apis.Heartbeat, 4, { groupId, ...member, groupInstanceId: null })).errorCode,
    ).toBe(0)
  })

  it('moves a coordinator on request', async () => {
    const { cluster, clients } = await start()
    const groupId = 'moving'
    const from = cluster.coordinatorOf(groupId)
    const to = [1, 2, 3].find((n) => n !== from)!
    const member = await joinAlone(clients.get(from)!, groupId)
    cluster.moveCoordinator(groupId, to)
    const hb = (client: WireClient) =>
      client.send(Apis.Heartbeat, 4, { groupId, ...member, groupInstanceId: null })
    expect((await hb(clients.get(from)!)).errorCode).toBe(ErrorCode.NOT_COORDINATOR)
    expect((await hb(clients.get(to)!)).errorCode).toBe(0)
    expect(() => cluster.moveCoordinator(groupId, 42)).toThrow(/node 42 is not in this cluster/)
  })
})
