import { afterEach, describe, expect, it } from 'vitest'
import { UnsupportedVersionError } from '../../../src/client/errors.js'
import { encodeResponse } from '../../../src/protocol/frames.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { ProtocolError } from '../../../src/protocol/protocol-error.js'
import { ClientHarness } from '../support/client-for.js'
import {
  type FakeBroker,
  type FakeBrokerOptions,
  type Reply,
  startFakeBroker,
} from '../support/fake-broker.js'

const clients = new ClientHarness()
const fakes: FakeBroker[] = []
afterEach(async () => {
  await clients.closeAll()
  await Promise.all(fakes.splice(0).map((f) => f.close()))
})

async function fake(reply: Reply, options?: FakeBrokerOptions) {
  const f = await startFakeBroker(reply, options)
  fakes.push(f)
  return f
}

function sized(body: Buffer): Buffer {
  const size = Buffer.alloc(4)
  size.writeInt32BE(body.length)
  return Buffer.concat([size, body])
}

const goodCluster = (correlationId: number, version: number) =>
  encodeResponse(Apis.DescribeCluster, version, correlationId, {
    clusterId: 'fake',
    controllerId: 1,
    brokers: [{ brokerId: 1, host: '127.0.0.1', port: 1, rack: null }],
  })

describe('a broker that answers badly', () => {
  it('closes the connection on a truncated answer, reports a ProtocolError, and reconnects for the next call', async () => {
    let answers = 0
    const broker = await fake(({ correlationId, apiVersion }) => {
      answers++
      const good = goodCluster(correlationId, apiVersion)
      if (answers > 1) return good
      // the size and correlation id are right, the body stops halfway
      return sized(good.subarray(4, 4 + Math.floor((good.length - 4) / 2)))
    })
    const admin = clients.admin({ brokers: broker.bootstrap })
    const error = await admin.describeCluster().catch((e) => e)
    expect(error).toBeInstanceOf(ProtocolError)
    expect(error.message).toMatch(/malformed DescribeCluster v\d response/)
    expect((await admin.describeCluster()).clusterId).toBe('fake')
    expect(broker.accepted).toBe(2)
  })

  it('refuses an answer announced larger than maxResponseBytes before reading it', async () => {
    const broker = await fake(() => {
      const size = Buffer.alloc(8)
      size.writeInt32BE(0x7fffffff)
      return size
    })
    const admin = clients.admin({ brokers: broker.bootstrap, maxResponseBytes: 64 * 1024 })
    await expect(admin.describeCluster()).rejects.toThrow(/exceeds the 65536-byte limit/)
  })

  it('closes on an answer to a request it never sent', async () => {
    const broker = await fake(({ correlationId, apiVersion }) => goodCluster(correlationId + 7, apiVersion))
    const admin = clients.admin({ brokers: broker.bootstrap })
    await expect(admin.describeCluster()).rejects.toThrow(/correlation id/)
  })

  it('survives random bytes: every call fails with an error, none crashes the process', async () => {
    let seed = 7
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed
    }
    const broker = await fake(({ correlationId }) => {
      const body = Buffer.alloc(4 + (random() % 200))
      for (let i = 0; i < body.length; i++) body[i] = random() & 0xff
      body.writeInt32BE(correlationId, 0)
      return sized(body)
    })
    const admin = clients.admin({ brokers: broker.bootstrap, defaultApiTimeoutMs: 2_000 })
    for (let i = 0; i < 50; i++) {
      const outcome = await admin.describeCluster().then(
        () => 'ok',
        (e: Error) => e.name,
      )
      expect(['ProtocolError', 'KafkaError', 'OperationTimeoutError', 'ok']).toContain(outcome)
    }
  })

  it('refuses a Metadata answer whose partition index its partition count cannot hold, and recovers', async () => {
    // one mutated byte of a real answer: partition 0 of a one-partition topic listed as 2^31 - 1;
    // cached, it was a sparse array of two billion partitions that every later lookup walked
    let answers = 0
    const orders = (partitionIndex: number) => ({
      name: 'orders',
      topicId: '11111111-1111-1111-1111-111111111111',
      partitions: [{ partitionIndex, leaderId: 1, replicaNodes: [1], isrNodes: [1] }],
    })
    const broker = await fake(() => null, {
      topics: (requested) => (requested.length === 0 ? [] : [orders(++answers === 1 ? 0x7fffffff : 0)]),
    })
    const admin = clients.admin({ brokers: broker.bootstrap })
    const error = await admin.describeTopics(['orders']).catch((e) => e)
    expect(error.name).toBe('AdminError')
    const [failure] = error.failures
    expect(failure.item).toBe('orders')
    expect(failure.error).toBeInstanceOf(ProtocolError)
    expect(failure.error.message).toMatch(
      /malformed Metadata v\d+ response: .*partition 2147483647 among 1 partitions/,
    )
    const [topic] = await admin.describeTopics(['orders'])
    expect(topic.partitions.map((p) => p.partition)).toEqual([0])
    // the bad answer closed its connection
    expect(broker.accepted).toBe(2)
  }, 10_000)

  it('refuses at the handshake a broker whose ApiVersions lists no Metadata version, closing the connection', async () => {
    // a damaged ApiVersions answer looks just like this; kept open, every metadata lookup failed on it
    const broker = await fake(() => null, { apis: [Apis.ApiVersions, Apis.DescribeCluster] })
    const admin = clients.admin({ brokers: broker.bootstrap, connectionTimeoutMs: 1_000 })
    const error = await admin.describeCluster().catch((e) => e)
    expect(error).toBeInstanceOf(UnsupportedVersionError)
    expect(error.message).toMatch(/serves Metadata none/)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(broker.open).toBe(0)
  })
})
