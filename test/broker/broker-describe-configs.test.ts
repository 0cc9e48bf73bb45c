import { describe, expect, it } from 'vitest'
import { Apis } from '../../src/protocol/messages/index.js'
import { useBrokers } from './support/use-brokers.js'
import type { WireClient } from './support/wire-client.js'
import { createTopic } from './support/wire-helpers.js'

/**
 * Where DescribeConfigs says a value comes from. Kafka 4.1.1 (asked the same
 * for test/compat/reference) reports a topic config nobody set as
 * DEFAULT_CONFIG (5), one its server.properties sets through a log.* key as
 * STATIC_BROKER_CONFIG (4), and one set on the topic as TOPIC_CONFIG (1);
 * a broker option plays the part of a server.properties line.
 */

const TOPIC = 2
const BROKER = 4
const DEFAULT_CONFIG = 5
const STATIC_BROKER_CONFIG = 4
const TOPIC_CONFIG = 1

const brokers = useBrokers()

async function describeResource(client: WireClient, resourceType: number, name: string, keys: string[]) {
  const r = await client.send(Apis.DescribeConfigs, 4, {
    resources: [{ resourceType, resourceName: name, configurationKeys: keys }],
    includeSynonyms: true,
    includeDocumentation: false,
  })
  return Object.fromEntries(
    r.results[0].configs.map((c) => [
      c.name,
      { value: c.value, source: c.configSource, synonyms: c.synonyms.map((s) => s.source) },
    ]),
  )
}

const LOG_CONFIGS = ['retention.ms', 'retention.bytes', 'segment.bytes', 'segment.ms']

describe('DescribeConfigs sources', () => {
  it('reports topic configs nobody set as DEFAULT_CONFIG, and a topic override as TOPIC_CONFIG', async () => {
    const { client } = await brokers.start({ logger: 'silent' })
    await createTopic(client, 'plain', 1, [['segment.ms', '100000']])
    expect(await describeResource(client, TOPIC, 'plain', LOG_CONFIGS)).toEqual({
      'retention.ms': { value: '604800000', source: DEFAULT_CONFIG, synonyms: [DEFAULT_CONFIG] },
      'retention.bytes': { value: '-1', source: DEFAULT_CONFIG, synonyms: [DEFAULT_CONFIG] },
      'segment.bytes': { value: '1073741824', source: DEFAULT_CONFIG, synonyms: [DEFAULT_CONFIG] },
      'segment.ms': { value: '100000', source: TOPIC_CONFIG, synonyms: [TOPIC_CONFIG] },
    })
  })

  it('reports the topic configs broker options set as STATIC_BROKER_CONFIG, even at their default values', async () => {
    // 7 days is also the default of retention.ms: what counts is that the option was given
    const { client } = await brokers.start({
      logger: 'silent',
      retentionMs: 604_800_000,
      segmentBytes: 1 << 20,
    })
    await createTopic(client, 'configured')
    const described = await describeResource(client, TOPIC, 'configured', LOG_CONFIGS)
    expect(Object.entries(described).map(([name, e]) => [name, e.value, e.source])).toEqual([
      ['retention.ms', '604800000', STATIC_BROKER_CONFIG],
      ['retention.bytes', '-1', DEFAULT_CONFIG],
      ['segment.bytes', '1048576', STATIC_BROKER_CONFIG],
      ['segment.ms', '604800000', DEFAULT_CONFIG],
    ])
  })

  it('reports broker settings from given options as STATIC_BROKER_CONFIG and the rest as DEFAULT_CONFIG', async () => {
    const keys = ['node.id', 'num.partitions', 'log.retention.ms', 'message.max.bytes', 'log.dirs']
    const sources = async (client: WireClient) =>
      Object.entries(await describeResource(client, BROKER, '1', keys)).map(([name, e]) => [name, e.source])
    const plain = await brokers.start({ logger: 'silent' })
    expect(await sources(plain.client)).toEqual([
      ['node.id', STATIC_BROKER_CONFIG],
      ['num.partitions', DEFAULT_CONFIG],
      ['log.retention.ms', DEFAULT_CONFIG],
      ['message.max.bytes', DEFAULT_CONFIG],
      ['log.dirs', DEFAULT_CONFIG],
    ])
    const configured = await brokers.start({ logger: 'silent', defaultPartitions: 3, retentionMs: -1 })
    expect(await sources(configured.client)).toEqual([
      ['node.id', STATIC_BROKER_CONFIG],
      ['num.partitions', STATIC_BROKER_CONFIG],
      ['log.retention.ms', STATIC_BROKER_CONFIG],
      ['message.max.bytes', DEFAULT_CONFIG],
      ['log.dirs', DEFAULT_CONFIG],
    ])
  })
})
