import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { startBroker, startCluster } from '../../src/broker/index.js'
import { Kafka } from '../../src/client/kafka.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { WireClient } from '../broker/support/wire-client.js'
import { until } from '../client/consumer/consumer-scenarios.js'

describe('broker counters (running.metrics())', () => {
  it('counts requests per API, frame bytes both ways and connections open and closed', async () => {
    const broker = await startBroker({ port: 0, logger: 'silent' })
    try {
      const before = broker.metrics()
      expect(before.requests).toEqual([])
      expect(before.connections).toBe(0)
      const client = await WireClient.connect(broker.bootstrap)
      await client.send(Apis.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })
      await client.send(Apis.Metadata, 12, { topics: null })
      await client.send(Apis.Metadata, 12, { topics: null })
      const during = broker.metrics()
      expect(during.requests).toEqual([
        { api: 'Metadata', apiKey: 3, count: 2 },
        { api: 'ApiVersions', apiKey: 18, count: 1 },
      ])
      expect(during.connections).toBe(1)
      expect(during.networkBytesIn).toBeGreaterThan(3 * 12)
      expect(during.networkBytesOut).toBeGreaterThan(during.networkBytesIn)
      expect(during.requestErrors).toBe(0)
      await client.close()
      await until('the close counted', () => broker.metrics().connectionsClosed === 1)
      expect(broker.metrics().connections).toBe(0)
    } finally {
      await broker.close()
    }
  })

  it('counts a request that closes its connection as an error', async () => {
    const broker = await startBroker({ port: 0, logger: 'silent' })
    try {
      const [host, port] = broker.bootstrap.split(':')
      const socket = connect({ host, port: Number(port) })
      await new Promise((resolve) => socket.once('connect', resolve))
      // an unknown API key (999), version 0, correlation id 1, no client id
      const frame = Buffer.alloc(14)
      frame.writeInt32BE(10, 0)
      frame.writeInt16BE(999, 4)
      frame.writeInt16BE(0, 6)
      frame.writeInt32BE(1, 8)
      frame.writeInt16BE(-1, 12)
      socket.write(frame)
      await new Promise((resolve) => socket.once('close', resolve))
      const m = broker.metrics()
      expect(m.requestErrors).toBe(1)
      // an unknown API is not a request of any API
      expect(m.requests).toEqual([])
      expect(m.connectionsAccepted).toBe(1)
    } finally {
      await broker.close()
    }
  })

  it('a test cluster counts every node together: appends, partitions and their offsets', async () => {
    const cluster = await startCluster({ nodes: 2, port: 0, logger: 'silent' })
    const kafka = new Kafka({ brokers: cluster.bootstrap.split(','), logger: 'silent' })
    try {
      const admin = kafka.admin()
      await admin.createTopics([{ topic: 'spread', partitions: 4 }])
      await admin.close()
      const producer = kafka.producer({ lingerMs: 0 })
      await producer.send({
        topic: 'spread',
        messages: Array.from({ length: 40 }, (_, i) => ({ value: `v${i}`, partition: i % 4 })),
      })
      await producer.close()
      const m = cluster.metrics()
      expect(m.recordsAppended).toBe(40)
      expect(m.batchesAppended).toBeGreaterThanOrEqual(4)
      expect(m.failedProducePartitions).toBe(0)
      expect(m.topics).toBe(1)
      expect(m.partitions.map((p) => [p.partition, p.logEndOffset])).toEqual([
        [0, 10],
        [1, 10],
        [2, 10],
        [3, 10],
      ])
      expect(m.requests.find((r) => r.api === 'Produce')!.count).toBeGreaterThanOrEqual(2)
      expect(m.memory.heldBytes).toBeGreaterThan(0)
    } finally {
      await cluster.close()
    }
  })
})
