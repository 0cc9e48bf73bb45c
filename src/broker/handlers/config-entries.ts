import type { BrokerContext } from '../broker-context.js'
import type { BrokerOptions } from '../options.js'
import type { TopicConfig, TopicConfigDefinition } from '../topics/topic-config.js'
import { ConfigSource, configSourceCode } from './config-source.js'

/** Kafka's config value types (ConfigType in DescribeConfigs v3+). */
const ConfigType = { BOOLEAN: 1, STRING: 2, INT: 3, LONG: 5, DOUBLE: 6, LIST: 7 } as const

export interface ConfigEntry {
  name: string
  value: string
  source: number
  readOnly: boolean
  type: number
}

function typeOf(value: string): number {
  if (value === 'true' || value === 'false') return ConfigType.BOOLEAN
  if (/^-?\d+$/.test(value)) return ConfigType.LONG
  if (/^-?\d+\.\d+$/.test(value)) return ConfigType.DOUBLE
  return ConfigType.STRING
}

export function topicConfigEntries(
  config: TopicConfig,
  defs: readonly TopicConfigDefinition[],
): ConfigEntry[] {
  return defs.map((def) => {
    const value = config.get(def.name)
    const type = def.list ? ConfigType.LIST : typeOf(value)
    return { name: def.name, value, source: configSourceCode(config.source(def.name)), readOnly: false, type }
  })
}

/**
 * The broker settings clients commonly inspect, with the values in force.
 * Each names the option it comes from: given, it is STATIC_BROKER_CONFIG,
 * as Kafka reports a key its server.properties sets; left out (or with no
 * option at all), DEFAULT_CONFIG. The node id is always given, as node.id
 * must be in a KRaft server.properties.
 */
export function brokerConfigEntries(broker: BrokerContext): ConfigEntry[] {
  const o = broker.options
  const values: [name: string, value: string, option: keyof BrokerOptions | 'always' | null][] = [
    ['broker.id', String(broker.nodeId), 'always'],
    ['node.id', String(broker.nodeId), 'always'],
    ['num.partitions', String(o.defaultPartitions), 'defaultPartitions'],
    ['auto.create.topics.enable', String(o.autoCreateTopics), 'autoCreateTopics'],
    ['default.replication.factor', '1', null],
    ['min.insync.replicas', '1', null],
    ['log.retention.ms', String(o.retentionMs), 'retentionMs'],
    ['log.retention.bytes', String(o.retentionBytes), 'retentionBytes'],
    ['log.segment.bytes', String(o.segmentBytes), 'segmentBytes'],
    ['log.roll.ms', String(o.segmentMs), 'segmentMs'],
    ['log.retention.check.interval.ms', String(o.retentionCheckIntervalMs), 'retentionCheckIntervalMs'],
    ['log.flush.interval.ms', String(o.flushIntervalMs), 'flushIntervalMs'],
    ['message.max.bytes', '1048588', null],
    ['socket.request.max.bytes', String(o.maxRequestBytes), 'maxRequestBytes'],
    ['log.dirs', o.dataDir ?? '', 'dataDir'],
    ['delete.topic.enable', 'true', null],
  ]
  return values.map(([name, value, option]) => ({
    name,
    value,
    source:
      option === 'always' || (option !== null && o.configured.has(option))
        ? ConfigSource.STATIC_BROKER_CONFIG
        : ConfigSource.DEFAULT_CONFIG,
    readOnly: true,
    type: name === 'log.dirs' ? ConfigType.STRING : typeOf(value),
  }))
}
