import { describe, expect, it } from 'vitest'
import { startCluster } from '../../src/broker/cluster/start-cluster.js'
import { BrokerConfigError } from '../../src/broker/config-error.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { spawnBroker } from '../support/broker-process.js'
import { useBrokers } from './support/use-brokers.js'
import { WireClient } from './support/wire-client.js'

/**
 * `advertisedHost` / `advertisedPort` (Kafka's advertised.listeners): a
 * proxy in front of the broker only stays in the path if every answer that
 * names the broker names the proxy; otherwise clients bootstrap through the
 * proxy and then follow Metadata around it.
 */

const brokers = useBrokers()

describe('advertised address', () => {
  it('is what Metadata, FindCoordinator and DescribeCluster name, while bootstrap stays the listener', async () => {
    const { broker, client } = await brokers.start({ advertisedHost: 'proxy.local', advertisedPort: 19092 })
    expect(broker.bootstrap).toBe(`127.0.0.1:${broker.port}`)
    expect(broker.port).not.toBe(19092)
    const meta = await client.send(Apis.Metadata, 12, { topics: null })
    expect(meta.brokers.map((b) => [b.nodeId, b.host, b.port])).toEqual([[1, 'proxy.local', 19092]])
    const coordinator = await client.send(Apis.FindCoordinator, 3, { key: 'g', keyType: 0 })
    expect([coordinator.host, coordinator.port]).toEqual(['proxy.local', 19092])
    const batched = await client.send(Apis.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g'] })
    expect([batched.coordinators[0].host, batched.coordinators[0].port]).toEqual(['proxy.local', 19092])
    const cluster = await client.send(Apis.DescribeCluster, 0, { includeClusterAuthorizedOperations: false })
    expect(cluster.brokers.map((b) => [b.host, b.port])).toEqual([['proxy.local', 19092]])
  })

  it('defaults to the listening host and port', async () => {
    const { broker, client } = await brokers.start({ advertisedPort: 19093 })
    const meta = await client.send(Apis.Metadata, 1, { topics: [] })
    expect(meta.brokers.map((b) => [b.host, b.port])).toEqual([[broker.host, 19093]])
  })

  it('refuses a bad port, an empty host, and one port for a cluster of several nodes', async () => {
    await expect(brokers.start({ advertisedPort: 0 })).rejects.toThrow(BrokerConfigError)
    await expect(brokers.start({ advertisedPort: 70_000 })).rejects.toThrow(/advertisedPort/)
    await expect(brokers.start({ advertisedHost: '' })).rejects.toThrow(/advertisedHost/)
    await expect(
      startCluster({ port: 0, nodes: 2, advertisedPort: 19094, logger: 'silent' }),
    ).rejects.toThrow(/lone broker/)
  })

  it('is set by sluice broker --advertised-host and --advertised-port', async () => {
    const broker = await spawnBroker(['--advertised-host', 'proxy.local', '--advertised-port', '19095'])
    try {
      const client = await WireClient.connect(broker.bootstrap)
      const meta = await client.send(Apis.Metadata, 12, { topics: null })
      expect(meta.brokers.map((b) => [b.host, b.port])).toEqual([['proxy.local', 19095]])
      await client.close()
    } finally {
      broker.child.kill('SIGKILL')
    }
  })
})
