/** Kafka's DescribeConfigs config source codes (ConfigSource in the protocol). */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const

/** A topic config's origin as DescribeConfigs reports it. */
export function configSourceCode(source: 'topic' | 'broker' | 'default'): number {
  if (source === 'topic') return ConfigSource.TOPIC_CONFIG
  return source === 'broker' ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG
}
