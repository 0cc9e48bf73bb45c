import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { encodeRecordBatch } from '../../src/protocol/records/index.js'
import { useBrokers } from './support/use-brokers.js'
import type { WireClient } from './support/wire-client.js'
import { createTopic, produce } from './support/wire-helpers.js'

/**
 * IncrementalAlterConfigs and AlterConfigs over the wire. The expected codes
 * and messages are what Kafka 4.1.1 answered to the same requests.
 */

const SET = 0
const DELETE = 1
const APPEND = 2
const SUBTRACT = 3
const TOPIC = 2
const BROKER = 4

const brokers = useBrokers({ logger: 'silent', autoCreateTopics: false })

type Change = { name: string; configOperation: number; value: string | null }

async function alter(
  client: WireClient,
  topic: string,
  configs: Change[],
  validateOnly = false,
  version = 1,
) {
  const r = await client.send(Apis.IncrementalAlterConfigs, version, {
    resources: [{ resourceType: TOPIC, resourceName: topic, configs }],
    validateOnly,
  })
  return r.responses[0]
}

/** The topic's overrides (configs whose source is the topic), as name=value. */
async function overrides(client: WireClient, topic: string): Promise<string[]> {
  const r = await client.send(Apis.DescribeConfigs, 4, {
    resources: [{ resourceType: TOPIC, resourceName: topic, configurationKeys: null }],
    includeSynonyms: false,
    includeDocumentation: false,
  })
  return r.results[0].configs.filter((c) => c.configSource === 1).map((c) => `${c.name}=${c.value}`)
}

describe('IncrementalAlterConfigs', () => {
  it('sets, deletes, appends to and subtracts from topic configs, leaving the others as they are', async () => {
    const { client } = await brokers.start()
    await createTopic(client, 'orders', 1, [['segment.ms', '100000']])
    expect(
      await alter(client, 'orders', [{ name: 'retention.ms', configOperation: SET, value: '1000' }]),
    ).toEqual({
      errorCode: 0,
      errorMessage: null,
      resourceType: TOPIC,
      resourceName: 'orders',
    })
    expect(await overrides(client, 'orders')).toEqual(['retention.ms=1000', 'segment.ms=100000'])

    await alter(client, 'orders', [{ name: 'segment.ms', configOperation: DELETE, value: null }])
    expect(await overrides(client, 'orders')).toEqual(['retention.ms=1000'])

    // APPEND starts from the value in force (the default "delete") and adds only what is missing
    await alter(client, 'orders', [
      { name: 'cleanup.policy', configOperation: APPEND, value: 'compact,delete' },
    ])
    expect(await overrides(client, 'orders')).toContain('cleanup.policy=delete,compact')
    await alter(client, 'orders', [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }])
    expect(await overrides(client, 'orders')).toContain('cleanup.policy=compact')
    await alter(client, 'orders', [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'compact' }])
    expect(await overrides(client, 'orders')).toContain('cleanup.policy=')
    // deleting a key that was never set is fine
    expect(
      (await alter(client, 'orders', [{ name: 'colour', configOperation: DELETE, value: null }])).errorCode,
    ).toBe(0)
  })

  it('refuses a bad change whole, with Kafka codes and messages, and validateOnly changes nothing', async () => {
    const { client } = await brokers.start()
    await createTopic(client, 'orders')
    const refused = async (configs: Change[]) => {
      const r = await alter(client, 'orders', configs)
      return [r.errorCode, r.errorMessage]
    }
    expect(
      await refused([
        { name: 'max.message.bytes', configOperation: SET, value: '3000' },
        { name: 'colour', configOperation: SET, value: 'blue' },
      ]),
    ).toEqual([ErrorCode.INVALID_CONFIG, 'Unknown topic config name: colour'])
    expect((await refused([{ name: 'retention.ms', configOperation: SET, value: 'abc' }]))[0]).toBe(
      ErrorCode.INVALID_CONFIG,
    )
    expect(await refused([{ name: 'retention.ms', configOperation: APPEND, value: '5' }])).toEqual([
      ErrorCode.INVALID_CONFIG,
      "Can't APPEND to key retention.ms because its type is not LIST.",
    ])
    expect(await refused([{ name: 'retention.ms', configOperation: SET, value: null }])).toEqual([
      ErrorCode.INVALID_REQUEST,
      'Null value not supported for : retention.ms',
    ])
    expect(
      await refused([
        { name: 'retention.ms', configOperation: SET, value: '1' },
        { name: 'retention.ms', configOperation: SET, value: '2' },
      ]),
    ).toEqual([ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys'])
    expect((await refused([{ name: 'retention.ms', configOperation: 7, value: '1' }]))[0]).toBe(
      ErrorCode.UNKNOWN_SERVER_ERROR,
    )
    expect(
      (await alter(client, 'orders', [{ name: 'retention.ms', configOperation: SET, value: '5' }], true))
        .errorCode,
    ).toBe(0)
    expect(await overrides(client, 'orders')).toEqual([])
  })

  it('answers unknown, illegal and duplicated resources, and broker resources, as Kafka does', async () => {
    const { client } = await brokers.start()
    await createTopic(client, 'orders')
    const change = [{ name: 'retention.ms', configOperation: SET, value: '1' }]
    const r = await client.send(Apis.IncrementalAlterConfigs, 0, {
      resources: [
        { resourceType: TOPIC, resourceName: 'nope', configs: change },
        { resourceType: TOPIC, resourceName: 'bad name!', configs: change },
        { resourceType: TOPIC, resourceName: '', configs: change },
        { resourceType: TOPIC, resourceName: 'orders', configs: change },
        { resourceType: TOPIC, resourceName: 'orders', configs: change },
        { resourceType: BROKER, resourceName: '1', configs: [] },
        {
          resourceType: BROKER,
          resourceName: '',
          configs: [{ name: 'broker.id', configOperation: SET, value: '5' }],
        },
        { resourceType: BROKER, resourceName: '99', configs: [] },
        { resourceType: BROKER, resourceName: 'abc', configs: [] },
        {
          resourceType: 8,
          resourceName: '1',
          configs: [{ name: 'kafka.server', configOperation: SET, value: 'DEBUG' }],
        },
        { resourceType: 99, resourceName: 'x', configs: [] },
      ],
      validateOnly: false,
    })
    expect(r.responses.map((x) => [x.resourceName, x.errorCode, x.errorMessage])).toEqual([
      ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "The topic 'nope' does not exist."],
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION, expect.stringContaining('illegal')],
      ['', ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.'],
      ['orders', ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'],
      ['orders', ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'],
      ['1', ErrorCode.NONE, null],
      [
        '',
        ErrorCode.INVALID_REQUEST,
        expect.stringContaining('Cannot update these configs dynamically: Set(broker.id)'),
      ],
      ['99', ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected 1, but received 99'],
      ['abc', ErrorCode.INVALID_REQUEST, 'Node id must be an integer, but it is: abc'],
      ['1', ErrorCode.INVALID_CONFIG, 'Logger kafka.server does not exist!'],
      ['x', ErrorCode.INVALID_REQUEST, 'Unknown resource type 99'],
    ])
    expect(await overrides(client, 'orders')).toEqual([])
  })

  it('applies changes to the running topic: max.message.bytes at the next produce, retention.bytes at the next pass', async () => {
    const { client } = await brokers.start({
      logger: 'silent',
      retentionCheckIntervalMs: 20,
      retentionMs: -1,
    })
    await createTopic(client, 'orders')
    for (let i = 0; i < 3; i++)
      expect((await produce(client, 'orders', { 0: [`v${i}`] }))[0].errorCode).toBe(0)

    await alter(client, 'orders', [{ name: 'max.message.bytes', configOperation: SET, value: '100' }])
    const big = encodeRecordBatch([{ value: Buffer.alloc(200, 1), timestamp: Date.now() }])
    const tooLarge = await client.send(Apis.Produce, 9, {
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 'orders', partitionData: [{ index: 0, records: big }] }],
    })
    expect(tooLarge.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE)

    // keep only what one batch holds: the two oldest go at the next retention pass
    await alter(client, 'orders', [{ name: 'retention.bytes', configOperation: SET, value: '1' }])
    await expect
      .poll(async () => {
        const r = await client.send(Apis.ListOffsets, 7, {
          replicaId: -1,
          isolationLevel: 0,
          topics: [
            { name: 'orders', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n }] },
          ],
        })
        return r.topics[0].partitions[0].offset
      })
      .toBe(2n)
  })

  it('keeps changed configs across a restart on a data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-alter-configs-'))
    brokers.defer(async () => rmSync(dataDir, { recursive: true, force: true }))
    const first = await brokers.start({ logger: 'silent', dataDir })
    await createTopic(first.client, 'orders', 1, [['segment.ms', '100000']])
    await alter(first.client, 'orders', [
      { name: 'retention.ms', configOperation: SET, value: '3600000' },
      { name: 'segment.ms', configOperation: DELETE, value: null },
    ])
    await first.client.close()
    await first.broker.close()
    const second = await brokers.start({ logger: 'silent', dataDir })
    expect(await overrides(second.client, 'orders')).toEqual(['retention.ms=3600000'])
  })
})

describe('AlterConfigs', () => {
  it('replaces the whole set of overrides: keys left out go back to their defaults', async () => {
    const { client } = await brokers.start()
    await createTopic(client, 'orders', 1, [['segment.ms', '100000']])
    for (const version of [0, 1, 2]) {
      const r = await client.send(Apis.AlterConfigs, version, {
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 'orders',
            configs: [{ name: 'retention.ms', value: `${4242 + version}` }],
          },
        ],
        validateOnly: false,
      })
      expect(r.responses).toEqual([
        { errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'orders' },
      ])
      expect(await overrides(client, 'orders')).toEqual([`retention.ms=${4242 + version}`])
    }
    const cleared = await client.send(Apis.AlterConfigs, 2, {
      resources: [{ resourceType: TOPIC, resourceName: 'orders', configs: [] }],
      validateOnly: false,
    })
    expect(cleared.responses[0].errorCode).toBe(0)
    expect(await overrides(client, 'orders')).toEqual([])
  })

  it('refuses unknown keys, nulls, duplicates, broker changes and other resource types', async () => {
    const { client } = await brokers.start()
    await createTopic(client, 'orders')
    const r = await client.send(Apis.AlterConfigs, 2, {
      resources: [
        { resourceType: TOPIC, resourceName: 'orders', configs: [{ name: 'colour', value: 'x' }] },
        { resourceType: TOPIC, resourceName: 'nope', configs: [{ name: 'retention.ms', value: null }] },
        { resourceType: TOPIC, resourceName: 'gone', configs: [] },
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', value: '1' }] },
        { resourceType: 8, resourceName: '1', configs: [] },
      ],
      validateOnly: false,
    })
    expect(r.responses.map((x) => [x.errorCode, x.errorMessage])).toEqual([
      [ErrorCode.INVALID_CONFIG, 'Unknown topic config name: colour'],
      [ErrorCode.INVALID_REQUEST, 'Null value not supported for : retention.ms'],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "The topic 'gone' does not exist."],
      [ErrorCode.INVALID_REQUEST, expect.stringContaining('Cannot update these configs dynamically')],
      [ErrorCode.INVALID_REQUEST, 'Unknown resource type 8'],
    ])
  })
})
