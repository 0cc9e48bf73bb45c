import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../src/broker/index.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { WireClient } from './support/wire-client.js'

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

describe('embedded broker: versions and topic administration', () => {
  let broker: RunningBroker
  let client: WireClient

  beforeEach(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', autoCreateTopics: false })
    client = await WireClient.connect(broker.bootstrap)
  })
  afterEach(async () => {
    await client.close()
    await broker.close()
  })

  it('answers ApiVersions at every version with ranges that satisfy librdkafka', async () => {
    for (const v of [0, 1, 2, 3]) {
      const r = await client.send(Apis.ApiVersions, v, {
        clientSoftwareName: 'sluice-test',
        clientSoftwareVersion: '1.0',
      })
      expect(r.errorCode).toBe(0)
      const byKey = new Map(r.apiKeys.map((k) => [k.apiKey, k]))
      // librdkafka probes for old minimum versions of these
      for (const key of [0, 1, 2]) expect(byKey.get(key)?.minVersion).toBe(0)
      expect(byKey.get(0)?.maxVersion).toBe(9)
      expect(byKey.get(1)?.maxVersion).toBe(17)
      expect(byKey.get(3)).toEqual({ apiKey: 3, minVersion: 0, maxVersion: 12 })
    }
  })

  it('advertises the config, offset and cluster admin APIs at the ranges Kafka 4.1 serves', async () => {
    const r = await client.send(Apis.ApiVersions, 3, {
      clientSoftwareName: 'sluice-test',
      clientSoftwareVersion: '1',
    })
    const byKey = new Map(r.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]))
    expect(byKey.get(Apis.AlterConfigs.key)).toEqual([0, 2])
    expect(byKey.get(Apis.IncrementalAlterConfigs.key)).toEqual([0, 1])
    expect(byKey.get(Apis.OffsetDelete.key)).toEqual([0, 0])
    expect(byKey.get(Apis.DescribeCluster.key)).toEqual([0, 2])
  })

  it('answers an unsupported ApiVersions version in v0 form with UNSUPPORTED_VERSION and the full list', async () => {
    const { encodeRequest } = await import('../../src/protocol/frames.js')
    const { Writer } = await import('../../src/protocol/writer.js')
    // ApiVersions v9 header (v2, flexible) with an empty flexible body
    const w = new Writer()
    w.writeInt32(0)
    w.writeInt16(18).writeInt16(9).writeInt32(77).writeNullableString('probe').writeUVarint(0)
    w.writeUVarint(1).writeUVarint(1).writeUVarint(0)
    const frame = w.finish()
    frame.writeInt32BE(frame.length - 4, 0)
    expect(encodeRequest).toBeTypeOf('function')
    const answer = await new Promise<Buffer>((resolve) => {
      client.socket.once('data', (chunk) => resolve(chunk))
      client.writeRaw(frame)
    })
    // size, correlation id (header v0), then error code 35 and the int32-counted list
    expect(answer.readInt32BE(4)).toBe(77)
    expect(answer.readInt16BE(8)).toBe(ErrorCode.UNSUPPORTED_VERSION)
    expect(answer.readInt32BE(10)).toBeGreaterThan(5)
  })

  it('creates, describes, grows and deletes topics with Kafka errors', async () => {
    const created = await client.send(Apis.CreateTopics, 7, {
      topics: [
        {
          name: 'a',
          numPartitions: 2,
          replicationFactor: 1,
          configs: [{ name: 'retention.ms', value: '1000' }],
        },
        { name: 'bad/name', numPartitions: 1, replicationFactor: 1 },
        { name: 'rf', numPartitions: 1, replicationFactor: 3 },
        {
          name: 'cfg',
          numPartitions: 1,
          replicationFactor: 1,
          configs: [{ name: 'no.such.config', value: '1' }],
        },
        { name: 'zero', numPartitions: 0, replicationFactor: 1 },
      ],
      timeoutMs: 1000,
    })
    expect(created.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['a', 0],
      ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['rf', ErrorCode.INVALID_REPLICATION_FACTOR],
      ['cfg', ErrorCode.INVALID_CONFIG],
      ['zero', ErrorCode.INVALID_PARTITIONS],
    ])
    expect(created.topics[0].configs?.find((c) => c.name === 'retention.ms')).toMatchObject({
      value: '1000',
      configSource: 1,
    })
    const again = await client.send(Apis.CreateTopics, 7, {
      topics: [{ name: 'a', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 1000,
    })
    expect(again.topics[0].errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS)

    const described = await client.send(Apis.DescribeConfigs, 4, {
      resources: [
        { resourceType: 2, resourceName: 'a', configurationKeys: ['retention.ms', 'max.message.bytes'] },
        { resourceType: 2, resourceName: 'missing', configurationKeys: null },
        { resourceType: 4, resourceName: '1', configurationKeys: ['num.partitions'] },
      ],
      includeSynonyms: false,
      includeDocumentation: false,
    })
    expect(described.results[0].configs.map((c) => [c.name, c.value, c.configSource])).toEqual([
      ['retention.ms', '1000', 1],
      ['max.message.bytes', '1048588', 5],
    ])
    expect(described.results[1].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(described.results[2].configs).toMatchObject([{ name: 'num.partitions', value: '1' }])

    const grown = await client.send(Apis.CreatePartitions, 3, {
      topics: [
        { name: 'a', count: 4, assignments: null },
        { name: 'a2', count: 2, assignments: null },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    })
    expect(grown.results.map((r) => r.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    const shrink = await client.send(Apis.CreatePartitions, 3, {
      topics: [{ name: 'a', count: 2, assignments: null }],
      timeoutMs: 1000,
      validateOnly: false,
    })
    expect(shrink.results[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS)
    const meta = await client.send(Apis.Metadata, 12, { topics: null })
    expect(meta.topics.map((t) => [t.name, t.partitions.length])).toEqual([['a', 4]])

    const deleted = await client.send(Apis.DeleteTopics, 6, {
      topics: [
        { name: 'a', topicId: ZERO_UUID },
        { name: 'gone', topicId: ZERO_UUID },
      ],
      timeoutMs: 1000,
    })
    expect(deleted.responses.map((r) => r.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    const after = await client.send(Apis.Metadata, 1, { topics: [{ name: 'a' }] })
    expect(after.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  it('lists all topics for a v0 empty list and a v1+ null list', async () => {
    await client.send(Apis.CreateTopics, 2, {
      topics: [
        { name: 'x', numPartitions: 1, replicationFactor: 1 },
        { name: 'y', numPartitions: 1, replicationFactor: 1 },
      ],
      timeoutMs: 1000,
    })
    const v0 = await client.send(Apis.Metadata, 0, { topics: [] })
    expect(v0.topics.map((t) => t.name).sort()).toEqual(['x', 'y'])
    const v1 = await client.send(Apis.Metadata, 1, { topics: null })
    expect(v1.topics.map((t) => t.name).sort()).toEqual(['x', 'y'])
    const none = await client.send(Apis.Metadata, 1, { topics: [] })
    expect(none.topics).toEqual([])
  })

  it('answers INVALID_REQUEST for every topic when a Metadata below v12 names a topic by id or by null, as Kafka does', async () => {
    const byId = '11111111-2222-3333-4444-555555555555'
    for (const version of [10, 11]) {
      const r = await client.send(Apis.Metadata, version, {
        topics: [
          { name: 'x', topicId: '00000000-0000-0000-0000-000000000000' },
          { name: null, topicId: byId },
        ],
        allowAutoTopicCreation: false,
      })
      expect(r.topics.map((t) => t.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST])
      expect(r.brokers).toEqual([])
    }
    // the connection stays open and is served
    const v12 = await client.send(Apis.Metadata, 12, {
      topics: [{ name: null, topicId: byId }],
      allowAutoTopicCreation: false,
    })
    expect(v12.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID)
  })
})
