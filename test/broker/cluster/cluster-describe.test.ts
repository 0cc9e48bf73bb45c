import { describe, expect, it } from 'vitest'
import { Apis } from '../../../src/protocol/messages/index.js'
import { useClusters } from './support/cluster-wire.js'

/** DescribeCluster in the multi-node test cluster: what Kafka's admin client sees of a 3-broker cluster. */

const start = useClusters()

describe('test cluster: DescribeCluster', () => {
  it('lists the live nodes from any node; v2 shows stopped ones as fenced when asked', async () => {
    const { cluster, clients } = await start()
    const addresses = cluster.nodes.map((n) => ({ brokerId: n.nodeId, host: n.host, port: n.port }))
    for (const client of clients.values()) {
      const r = await client.send(Apis.DescribeCluster, 2, {})
      expect(r.brokers.map(({ brokerId, host, port }) => ({ brokerId, host, port }))).toEqual(addresses)
      expect(r.controllerId).toBe(1)
    }

    await cluster.stopNode(1)
    const r = await clients.get(2)!.send(Apis.DescribeCluster, 2, {})
    expect(r.brokers.map((b) => b.brokerId)).toEqual([2, 3])
    // a KRaft broker names a live broker as controller
    expect([2, 3]).toContain(r.controllerId)
    const withFenced = await clients.get(3)!.send(Apis.DescribeCluster, 2, { includeFencedBrokers: true })
    expect(withFenced.brokers.map((b) => [b.brokerId, b.isFenced])).toEqual([
      [1, true],
      [2, false],
      [3, false],
    ])
    expect(withFenced.brokers[0]).toMatchObject({ host: addresses[0].host, port: addresses[0].port })

    await cluster.startNode(1)
    const back = await clients.get(2)!.send(Apis.DescribeCluster, 1, {})
    expect(back.brokers.map((b) => b.brokerId)).toEqual([1, 2, 3])
  })
})
