import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BrokerConfigError, startCluster } from '../../../src/broker/index.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { iterateBatches, readBatchHeader } from '../../../src/protocol/records/index.js'
import { WireClient } from '../support/wire-client.js'
import {
  createTopic,
  fetchRequest,
  listOffsets,
  metadata,
  offsetForLeaderEpoch,
  produceOne,
  useClusters,
} from './support/cluster-wire.js'

/** Leader epochs stamped in the batches of a fetched records field, oldest first. */
function epochsIn(records: Buffer | null): number[] {
  if (!records) return []
  return [...iterateBatches(records)].map(
    (span) => readBatchHeader(records, span.offset).partitionLeaderEpoch,
  )
}

describe('test cluster over the wire: partitions', () => {
  const start = useClusters()
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it('lists its three brokers, and every partition with leader, replicas and ISR', async () => {
    const { cluster, clients } = await start()
    expect(cluster.bootstrap.split(',')).toEqual(cluster.nodes.map((n) => n.bootstrap))
    expect(cluster.nodes.map((n) => n.nodeId)).toEqual([1, 2, 3])
    expect(await createTopic(clients.get(2)!, 'orders', 6)).toMatchObject({
      errorCode: 0,
      replicationFactor: 3,
    })
    for (const client of clients.values()) {
      const meta = await metadata(client, ['orders'])
      expect(meta.brokers.map((b) => [b.nodeId, b.host, b.port])).toEqual(
        cluster.nodes.map((n) => [n.nodeId, n.host, n.port]),
      )
      expect([1, 2, 3]).toContain(meta.controllerId)
      const partitions = meta.topics[0].partitions
      expect(partitions).toHaveLength(6)
      for (const p of partitions) {
        expect(p.errorCode).toBe(0)
        expect(p.leaderId).toBe(cluster.leaderOf('orders', p.partitionIndex).leaderId)
        expect(p.leaderEpoch).toBe(0)
        expect(p.replicaNodes).toEqual(cluster.replicasOf('orders', p.partitionIndex))
        expect(p.replicaNodes[0]).toBe(p.leaderId)
        expect([...p.isrNodes].sort()).toEqual([1, 2, 3])
        expect(p.offlineReplicas).toEqual([])
      }
      // leadership spread over every node
      expect(new Set(partitions.map((p) => p.leaderId))).toEqual(new Set([1, 2, 3]))
    }
  })

  it('answers NOT_LEADER_OR_FOLLOWER on every node but the leader', async () => {
    const { cluster, clients } = await start()
    await createTopic(clients.get(1)!, 't', 1)
    const leader = cluster.leaderOf('t', 0).leaderId
    for (const [nodeId, client] of clients) {
      const expected = nodeId === leader ? ErrorCode.NONE : ErrorCode.NOT_LEADER_OR_FOLLOWER
      expect((await produceOne(client, 't', 0, ['x'])).errorCode, `produce at ${nodeId}`).toBe(expected)
      const fetched = await client.send(Apis.Fetch, 12, fetchRequest('t', 0, 0n))
      expect(fetched.responses[0].partitions[0].errorCode, `fetch at ${nodeId}`).toBe(expected)
      expect((await listOffsets(client, 't', 0, -1n)).errorCode, `list offsets at ${nodeId}`).toBe(expected)
      expect((await offsetForLeaderEpoch(client, 't', 0, 0)).errorCode, `epochs at ${nodeId}`).toBe(expected)
      const deleted = await client.send(Apis.DeleteRecords, 2, {
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 0n }] }],
        timeoutMs: 1000,
      })
      expect(deleted.topics[0].partitions[0].errorCode, `delete records at ${nodeId}`).toBe(expected)
    }
    // fetch v12+ points at the leader (KIP-951), v16+ with its address
    const follower = [...clients.keys()].find((id) => id !== leader)!
    const topicId = (await metadata(clients.get(follower)!, ['t'])).topics[0].topicId
    const v16 = await clients
      .get(follower)!
      .send(Apis.Fetch, 16, fetchRequest('t', 0, 0n, -1, undefined, topicId))
    expect(v16.responses[0].partitions[0].currentLeader).toEqual({ leaderId: leader, leaderEpoch: 0 })
    const leaderNode = cluster.nodes.find((n) => n.nodeId === leader)!
    expect(v16.nodeEndpoints).toEqual([
      { nodeId: leader, host: leaderNode.host, port: leaderNode.port, rack: null },
    ])
    // the answer is per partition: the leader's partitions still succeed in the same request
    expect((await produceOne(clients.get(leader)!, 't', 0, ['y'])).baseOffset).toBe(1n)
  })

  it('moves a leader with a new epoch: old epochs are fenced, batches carry the new one', async () => {
    const { cluster, clients } = await start()
    await createTopic(clients.get(1)!, 't', 1)
    const [first, second] = cluster.replicasOf('t', 0)
    expect(await produceOne(clients.get(first)!, 't', 0, ['a', 'b'])).toEqual({
      errorCode: 0,
      baseOffset: 0n,
    })

    expect(cluster.moveLeader('t', 0, second)).toEqual({ leaderId: second, leaderEpoch: 1 })
    const meta = await metadata(clients.get(first)!, ['t'])
    expect(meta.topics[0].partitions[0]).toMatchObject({ leaderId: second, leaderEpoch: 1 })
    expect((await produceOne(clients.get(first)!, 't', 0, ['c'])).errorCode).toBe(
      ErrorCode.NOT_LEADER_OR_FOLLOWER,
    )
    expect(await produceOne(clients.get(second)!, 't', 0, ['c'])).toEqual({ errorCode: 0, baseOffset: 2n })

    const at = clients.get(second)!
    const fetchWith = async (epoch: number) =>
      (await at.send(Apis.Fetch, 12, fetchRequest('t', 0, 0n, epoch))).responses[0].partitions[0]
    expect((await fetchWith(0)).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
    expect(await fetchWith(0)).toMatchObject({ currentLeader: { leaderId: second, leaderEpoch: 1 } })
    expect((await fetchWith(2)).errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    const ok = await fetchWith(1)
    expect(ok.errorCode).toBe(0)
    expect(epochsIn(ok.records)).toEqual([0, 1])
    expect((await fetchWith(-1)).errorCode).toBe(0)

    expect((await listOffsets(at, 't', 0, -1n, 0)).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
    expect((await listOffsets(at, 't', 0, -1n, 5)).errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
    expect(await listOffsets(at, 't', 0, -1n, 1)).toMatchObject({ errorCode: 0, offset: 3n, leaderEpoch: 1 })
    expect(await listOffsets(at, 't', 0, -2n, 1)).toMatchObject({ errorCode: 0, offset: 0n, leaderEpoch: 0 })
    // by timestamp: the epoch of the batch the record is in
    expect(await listOffsets(at, 't', 0, 1_000n)).toMatchObject({ errorCode: 0, offset: 0n, leaderEpoch: 0 })
    expect((await offsetForLeaderEpoch(at, 't', 0, 0, 0)).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
    expect((await offsetForLeaderEpoch(at, 't', 0, 0, 9)).errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH)
  })

  it('answers OffsetForLeaderEpoch from the epoch history after several moves', async () => {
    const { cluster, clients } = await start()
    await createTopic(clients.get(1)!, 't', 1)
    const [a, b, c] = cluster.replicasOf('t', 0)
    await produceOne(clients.get(a)!, 't', 0, ['0', '1', '2']) // epoch 0: 0-2
    cluster.moveLeader('t', 0, b) // epoch 1 writes nothing
    cluster.moveLeader('t', 0, c) // epoch 2: 3-4
    await produceOne(clients.get(c)!, 't', 0, ['3', '4'])
    cluster.moveLeader('t', 0, a) // epoch 3: 5
    await produceOne(clients.get(a)!, 't', 0, ['5'])
    const ask = async (epoch: number) => {
      const r = await offsetForLeaderEpoch(clients.get(a)!, 't', 0, epoch, 3)
      expect(r.errorCode).toBe(0)
      return [r.leaderEpoch, r.endOffset]
    }
    expect(await ask(0)).toEqual([0, 3n])
    expect(await ask(1)).toEqual([0, 3n])
    expect(await ask(2)).toEqual([2, 5n])
    expect(await ask(3)).toEqual([3, 6n])
    expect(await ask(4)).toEqual([-1, -1n])
    // records deleted: epochs below the log start end where it begins
    const deleted = await clients.get(a)!.send(Apis.DeleteRecords, 2, {
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, offset: 4n }] }],
      timeoutMs: 1000,
    })
    expect(deleted.topics[0].partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 4n })
    expect(await ask(0)).toEqual([0, 4n])
    expect(await ask(2)).toEqual([2, 5n])
    const earliest = await listOffsets(clients.get(a)!, 't', 0, -2n)
    expect(earliest).toMatchObject({ offset: 4n, leaderEpoch: 2 })
  })

  it('answers a fetch parked on a partition as soon as its leader moves away', async () => {
    const { cluster, clients } = await start()
    await createTopic(clients.get(1)!, 't', 1)
    const [leader, other] = cluster.replicasOf('t', 0)
    const client = clients.get(leader)!
    // parked for up to a minute, longer than the test may take: only the move can answer it in time
    const parked = client.send(
      Apis.Fetch,
      12,
      fetchRequest('t', 0, 0n, 0, { maxWaitMs: 60_000, minBytes: 1 }),
    )
    const unversioned = client.send(
      Apis.Fetch,
      8,
      fetchRequest('t', 0, 0n, -1, { maxWaitMs: 60_000, minBytes: 1 }),
    )
    // responses go out in request order, so nothing behind the fetches can be awaited on this
    // connection; a topic created behind them, seen from another connection, proves they are parked
    void createTopic(client, 'marker', 1).catch(() => {})
    const observer = clients.get(other)!
    while ((await metadata(observer, ['marker'])).topics[0].errorCode !== 0) {}
    cluster.moveLeader('t', 0, other)
    expect((await parked).responses[0].partitions[0].errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH)
    expect((await unversioned).responses[0].partitions[0].errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER)
  })

  it('stops a node: its connections drop, its partitions fail over, metadata shows it offline; it comes back on its port', async () => {
    const { cluster, clients, connect } = await start({ defaultPartitions: 3 })
    await createTopic(clients.get(1)!, 't', 3)
    const victim = cluster.leaderOf('t', 0).leaderId
    const [, successor] = cluster.replicasOf('t', 0)
    const others = [1, 2, 3].filter((n) => n !== victim)
    const victimPort = cluster.nodes.find((n) => n.nodeId === victim)!.port

    await cluster.stopNode(victim)
    // its connections dropped, and nothing listens on its port
    await expect(clients.get(victim)!.send(Apis.ApiVersions, 0, {})).rejects.toThrow()
    await expect(
      WireClient.connect(cluster.nodes.find((n) => n.nodeId === victim)!.bootstrap),
    ).rejects.toThrow()
    expect(cluster.nodes.find((n) => n.nodeId === victim)!.running).toBe(false)
    expect(cluster.leaderOf('t', 0)).toEqual({ leaderId: successor, leaderEpoch: 1 })

    const meta = await metadata(clients.get(others[0])!, ['t'])
    expect(meta.brokers.map((b) => b.nodeId)).toEqual(others)
    expect(others).toContain(meta.controllerId)
    for (const p of meta.topics[0].partitions) {
      expect(p.leaderId).not.toBe(victim)
      expect(p.offlineReplicas).toEqual([victim])
      expect(p.isrNodes).not.toContain(victim)
      expect(p.replicaNodes).toHaveLength(3)
    }
    expect(meta.topics[0].partitions[0]).toMatchObject({ leaderId: successor, leaderEpoch: 1 })
    expect((await produceOne(clients.get(successor)!, 't', 0, ['after stop'])).errorCode).toBe(0)

    await cluster.startNode(victim)
    expect(cluster.nodes.find((n) => n.nodeId === victim)).toMatchObject({ running: true, port: victimPort })
    const back = await connect(victim)
    const again = await metadata(back, ['t'])
    expect(again.brokers.map((b) => b.nodeId)).toEqual([1, 2, 3])
    // it leads nothing until a preferred-leader election
    expect(again.topics[0].partitions[0]).toMatchObject({
      leaderId: successor,
      leaderEpoch: 1,
      offlineReplicas: [],
    })
    expect(cluster.electPreferredLeaders()).toBeGreaterThan(0)
    expect(cluster.leaderOf('t', 0)).toEqual({ leaderId: victim, leaderEpoch: 2 })
    expect(await produceOne(back, 't', 0, ['back'])).toEqual({ errorCode: 0, baseOffset: 1n })
  })

  it('has no leader while every node is down, and elects one when a node returns', async () => {
    const { cluster, clients, connect } = await start()
    await createTopic(clients.get(1)!, 't', 1)
    for (const id of [1, 2, 3]) await cluster.stopNode(id)
    expect(cluster.leaderOf('t', 0).leaderId).toBe(-1)
    expect(cluster.coordinatorOf('g')).toBe(-1)
    await cluster.startNode(2)
    expect(cluster.leaderOf('t', 0)).toMatchObject({ leaderId: 2 })
    const meta = await metadata(await connect(2), ['t'])
    expect(meta.brokers.map((b) => b.nodeId)).toEqual([2])
    expect(meta.topics[0].partitions[0]).toMatchObject({ errorCode: 0, leaderId: 2, isrNodes: [2] })
    expect([...meta.topics[0].partitions[0].offlineReplicas].sort()).toEqual([1, 3])
  })

  it('keeps leaders, epochs and the epoch history across a restart of a disk-backed cluster', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-cluster-'))
    dirs.push(dataDir)
    const first = await startCluster({ nodes: 3, port: 0, logger: 'silent', dataDir, fsync: 'never' })
    let client = await WireClient.connect(first.bootstrap.split(',')[0])
    await createTopic(client, 't', 1)
    await client.close()
    const [a, b] = first.replicasOf('t', 0)
    const at = (cluster: typeof first, id: number) =>
      WireClient.connect(cluster.nodes.find((n) => n.nodeId === id)!.bootstrap)
    client = await at(first, a)
    await produceOne(client, 't', 0, ['0', '1']) // epoch 0: 0-1
    await client.close()
    first.moveLeader('t', 0, b)
    client = await at(first, b)
    await produceOne(client, 't', 0, ['2']) // epoch 1: 2
    await client.close()
    first.moveLeader('t', 0, a) // epoch 2, nothing written yet
    await first.close()

    const second = await startCluster({ nodes: 3, port: 0, logger: 'silent', dataDir, fsync: 'never' })
    try {
      expect(second.leaderOf('t', 0)).toEqual({ leaderId: a, leaderEpoch: 2 })
      client = await at(second, a)
      expect((await metadata(client, ['t'])).topics[0].partitions[0]).toMatchObject({
        leaderId: a,
        leaderEpoch: 2,
      })
      const ask = async (epoch: number) => {
        const r = await offsetForLeaderEpoch(client, 't', 0, epoch, 2)
        return [r.errorCode, r.leaderEpoch, r.endOffset]
      }
      expect(await ask(0)).toEqual([0, 0, 2n])
      expect(await ask(1)).toEqual([0, 1, 3n])
      expect(await ask(2)).toEqual([0, 2, 3n])
      expect(await produceOne(client, 't', 0, ['3'])).toEqual({ errorCode: 0, baseOffset: 3n })
      const fetched = await client.send(Apis.Fetch, 12, fetchRequest('t', 0, 0n, 2))
      expect(epochsIn(fetched.responses[0].partitions[0].records)).toEqual([0, 1, 2])
      await client.close()
    } finally {
      await second.close()
    }
  })

  it('refuses a bad node count or a port range past 65535, naming the option', async () => {
    for (const nodes of [0, 33, 1.5, Number.NaN]) {
      await expect(startCluster({ nodes, port: 0, logger: 'silent' })).rejects.toSatisfy(
        (err: unknown) => err instanceof BrokerConfigError && err.key === 'nodes',
      )
    }
    await expect(startCluster({ nodes: '3' as unknown as number, port: 0 })).rejects.toThrow(
      /nodes: must be an integer/,
    )
    await expect(startCluster({ nodes: 3, port: 65534, logger: 'silent' })).rejects.toSatisfy(
      (err: unknown) => err instanceof BrokerConfigError && err.key === 'port',
    )
    await expect(
      startCluster({ nodes: 2, nodeId: 2 ** 31 - 1, port: 0, logger: 'silent' }),
    ).rejects.toSatisfy((err: unknown) => err instanceof BrokerConfigError && err.key === 'nodeId')
  })
})
