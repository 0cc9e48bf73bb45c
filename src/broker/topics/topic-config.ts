/**
 * Per-topic configuration: the keys Kafka clients ask for in DescribeConfigs
 * and may set in CreateTopics, with Kafka's defaults. `honoured` marks the
 * ones this broker acts on; the rest are accepted, stored and reported so
 * tools that set them keep working, and DescribeConfigs says which is which
 * in the docs, not in the protocol (Kafka has no field for it).
 */
export interface TopicConfigDefinition {
  readonly name: string
  readonly defaultValue: string
  /** Checks a value; returns a reason when it is invalid. */
  readonly validate: (value: string) => string | null
  readonly honoured: boolean
  /** Kafka marks some configs sensitive (none of the topic ones are). */
  readonly sensitive?: boolean
  /** A comma-separated list (Kafka's LIST type): the only kind IncrementalAlterConfigs may APPEND to or SUBTRACT from. */
  readonly list?: boolean
}

const isLong = (min: number) => (v: string) =>
  /^-?\d+$/.test(v) && Number(v) >= min ? null : `must be an integer >= ${min}`
const oneOf =
  (...allowed: string[]) =>
  (v: string) =>
    allowed.includes(v) ? null : `must be one of ${allowed.join(', ')}`
/** Kafka's ValidList: comma-separated items, each allowed; the empty list is accepted too. */
const listOf =
  (...allowed: string[]) =>
  (v: string) =>
    splitList(v).every((item) => allowed.includes(item))
      ? null
      : `must be a comma-separated list of ${allowed.join(', ')}`

/** The items of a LIST config value, as Kafka splits them: trimmed, empty items dropped. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

const DAY_MS = 24 * 60 * 60 * 1000

export const TOPIC_CONFIGS: readonly TopicConfigDefinition[] = [
  // Only deletion-based retention is performed; a compacted topic keeps every record.
  {
    name: 'cleanup.policy',
    defaultValue: 'delete',
    validate: listOf('delete', 'compact'),
    honoured: false,
    list: true,
  },
  { name: 'retention.ms', defaultValue: String(7 * DAY_MS), validate: isLong(-1), honoured: true },
  { name: 'retention.bytes', defaultValue: '-1', validate: isLong(-1), honoured: true },
  { name: 'segment.bytes', defaultValue: String(1024 * 1024 * 1024), validate: isLong(14), honoured: true },
  { name: 'segment.ms', defaultValue: String(7 * DAY_MS), validate: isLong(1), honoured: true },
  { name: 'index.interval.bytes', defaultValue: '4096', validate: isLong(0), honoured: true },
  // Kafka's default: 1 MiB plus the 12-byte batch log overhead.
  { name: 'max.message.bytes', defaultValue: '1048588', validate: isLong(0), honoured: true },
  {
    name: 'message.timestamp.type',
    defaultValue: 'CreateTime',
    validate: oneOf('CreateTime', 'LogAppendTime'),
    honoured: true,
  },
  {
    name: 'compression.type',
    defaultValue: 'producer',
    validate: oneOf('producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'),
    honoured: false,
  },
  { name: 'min.insync.replicas', defaultValue: '1', validate: isLong(1), honoured: true },
  { name: 'delete.retention.ms', defaultValue: String(DAY_MS), validate: isLong(0), honoured: false },
  { name: 'file.delete.delay.ms', defaultValue: '60000', validate: isLong(0), honoured: false },
  { name: 'flush.messages', defaultValue: '9223372036854775807', validate: isLong(1), honoured: false },
  { name: 'flush.ms', defaultValue: '9223372036854775807', validate: isLong(0), honoured: false },
  { name: 'min.cleanable.dirty.ratio', defaultValue: '0.5', validate: () => null, honoured: false },
  {
    name: 'unclean.leader.election.enable',
    defaultValue: 'false',
    validate: oneOf('true', 'false'),
    honoured: false,
  },
  {
    name: 'message.timestamp.difference.max.ms',
    defaultValue: '9223372036854775807',
    validate: isLong(0),
    honoured: false,
  },
]

const BY_NAME = new Map(TOPIC_CONFIGS.map((c) => [c.name, c]))

export function topicConfigDefinition(name: string): TopicConfigDefinition | undefined {
  return BY_NAME.get(name)
}

/**
 * A topic's configs: those set on the topic, else the broker's defaults for
 * topics (from its options, like Kafka's `log.retention.ms`), else Kafka's.
 */
export class TopicConfig {
  constructor(
    readonly overrides: ReadonlyMap<string, string> = new Map(),
    readonly brokerDefaults: ReadonlyMap<string, string> = new Map(),
  ) {}

  get(name: string): string {
    const set = this.overrides.get(name) ?? this.brokerDefaults.get(name)
    if (set !== undefined) return set
    const def = BY_NAME.get(name)
    if (!def) throw new Error(`unknown topic config ${name}`)
    return def.defaultValue
  }

  number(name: string): number {
    return Number(this.get(name))
  }

  /** Where the value comes from, in DescribeConfigs terms. */
  source(name: string): 'topic' | 'broker' | 'default' {
    if (this.overrides.has(name)) return 'topic'
    return this.brokerDefaults.has(name) ? 'broker' : 'default'
  }

  withOverrides(overrides: ReadonlyMap<string, string>): TopicConfig {
    return new TopicConfig(overrides, this.brokerDefaults)
  }
}

/**
 * Validates configs given at topic creation; returns an error message naming
 * the first bad key (Kafka answers INVALID_CONFIG with such a message).
 */
export function validateTopicConfigs(configs: Iterable<[string, string | null]>): string | null {
  for (const [name, value] of configs) {
    const def = BY_NAME.get(name)
    if (!def) return `Unknown topic config name: ${name}`
    if (value === null) return `Null value not supported for topic config ${name}`
    const reason = def.validate(value)
    if (reason) return `Invalid value ${value} for configuration ${name}: ${reason}`
  }
  return null
}
