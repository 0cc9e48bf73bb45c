import type { BrokerContext } from '../broker-context.js'
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

/** The broker settings clients commonly inspect, with the values in force. */
export function brokerConfigEntries(broker: BrokerContext): ConfigEntry[] {
  const o = broker.options
  const values: [string, string][] = [
    ['broker.id', String(broker.nodeId)],
    ['node.id', String(broker.nodeId)],
    ['num.partitions', String(o.defaultPartitions)],
    ['auto.create.topics.enable', String(o.autoCreateTopics)],
    ['default.replication.factor', '1'],
    ['min.insync.replicas', '1'],
    ['log.retention.ms', String(o.retentionMs)],
    ['log.retention.bytes', String(o.retentionBytes)],
    ['log.segment.bytes', String(o.segmentBytes)],
    ['log.roll.ms', String(o.segmentMs)],
    ['log.retention.check.interval.ms', String(o.retentionCheckIntervalMs)],
    ['log.flush.interval.ms', String(o.flushIntervalMs)],
    ['message.max.bytes', '1048588'],
    ['socket.request.max.bytes', String(o.maxRequestBytes)],
    ['log.dirs', o.dataDir ?? ''],
    ['delete.topic.enable', 'true'],
  ]
  return values.map(([name, value]) => ({
    name,
    value,
    source: ConfigSource.STATIC_BROKER_CONFIG,
    readOnly: true,
    type: name === 'log.dirs' ? ConfigType.STRING : typeOf(value),
  }))
}
