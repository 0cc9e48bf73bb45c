/** Public shapes of the admin calls' arguments and results. */

/** Per-call settings every admin call takes. */
export interface AdminCallOptions {
  /** How long the call may take, retries included. Default the client's `defaultApiTimeoutMs` (60 s). */
  timeoutMs?: number
}

export interface TopicPartition {
  readonly topic: string
  readonly partition: number
}

export interface NewTopic {
  topic: string
  /** Default the broker's `num.partitions`. */
  partitions?: number
  /** Default the broker's `default.replication.factor`. */
  replicationFactor?: number
  /** Topic configs, e.g. `{ 'cleanup.policy': 'compact', 'retention.ms': '3600000' }`. */
  configs?: Record<string, string>
  /** Explicit replica placement: partition -> broker ids (then partitions and replicationFactor are left out). */
  assignments?: Record<number, readonly number[]>
}

export interface CreateTopicsOptions extends AdminCallOptions {
  /** Ask the broker to check the request without creating anything. */
  validateOnly?: boolean
  /** A topic that exists already is not a failure; it is reported with `created: false`. */
  ignoreExisting?: boolean
  /** Resolve only once metadata shows a leader for every new partition. Default true. */
  waitForLeaders?: boolean
}

export interface CreatedTopic {
  readonly topic: string
  /** False when it existed already (with `ignoreExisting`). */
  readonly created: boolean
  /** The zero id when the broker does not report one (CreateTopics before v7). */
  readonly topicId: string
  /** -1 when the broker does not report it. */
  readonly partitions: number
  readonly replicationFactor: number
}

export interface PartitionInfo {
  readonly partition: number
  /** -1 while it has no leader. */
  readonly leader: number
  readonly leaderEpoch: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
  readonly offline: readonly number[]
}

export interface TopicDescription {
  readonly topic: string
  readonly topicId: string
  readonly internal: boolean
  readonly partitions: readonly PartitionInfo[]
}

export interface BrokerDescription {
  readonly nodeId: number
  readonly host: string
  readonly port: number
  readonly rack: string | null
}

export interface ClusterDescription {
  readonly clusterId: string | null
  /** -1 when unknown. */
  readonly controller: number
  readonly brokers: readonly BrokerDescription[]
}

export interface NewPartitions {
  topic: string
  /** The total number of partitions the topic should have. */
  count: number
  /** Replica placement of each new partition, in order. */
  assignments?: readonly (readonly number[])[]
}

export type ConfigResourceType = 'topic' | 'broker'

export interface ConfigResource {
  type: ConfigResourceType
  /** The topic name, or the broker's node id as a string. */
  name: string
  /** Only these keys; default all. */
  keys?: readonly string[]
}

export type ConfigSource =
  | 'unknown'
  | 'topic'
  | 'dynamic-broker'
  | 'dynamic-default-broker'
  | 'static-broker'
  | 'default'
  | 'dynamic-broker-logger'
  | 'client-metrics'
  | 'group'

export interface ConfigEntry {
  readonly name: string
  /** Null for sensitive values and values that are unset. */
  readonly value: string | null
  readonly source: ConfigSource
  readonly isDefault: boolean
  readonly readOnly: boolean
  readonly sensitive: boolean
}

export interface ResourceConfigs {
  readonly type: ConfigResourceType
  readonly name: string
  readonly configs: readonly ConfigEntry[]
}

export type AlterConfigOperation = 'set' | 'delete' | 'append' | 'subtract'

export interface ConfigAlteration {
  type: ConfigResourceType
  name: string
  configs: readonly { name: string; value?: string | null; op?: AlterConfigOperation }[]
}

/** Where to look for an offset: the log start, the end, the largest timestamp, or the first offset at or after a time. */
export type OffsetSpec = 'earliest' | 'latest' | 'max-timestamp' | { timestamp: number }

export interface OffsetQuery extends TopicPartition {
  at: OffsetSpec
}

export interface ListedOffset extends TopicPartition {
  /** -1n when no record matches (a timestamp after the last record). */
  readonly offset: bigint
  /** The matching record's timestamp, -1 for earliest and latest. */
  readonly timestamp: number
  readonly leaderEpoch: number
}

export interface ListOffsetsOptions extends AdminCallOptions {
  /** `read_committed` stops the end at the last stable offset. Default `read_uncommitted`. */
  isolationLevel?: 'read_uncommitted' | 'read_committed'
}

export interface RecordsToDelete extends TopicPartition {
  /** Delete every record before this offset; -1n deletes up to the high watermark. */
  before: bigint
}

export interface DeletedRecords extends TopicPartition {
  /** The partition's new log start offset. */
  readonly lowWatermark: bigint
}

export interface GroupListing {
  readonly groupId: string
  readonly protocolType: string
  /** Empty when the broker does not report states (ListGroups before v4). */
  readonly state: string
}

export interface GroupMember {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  /** Topics the member subscribes to (consumer groups); empty for other protocols. */
  readonly subscription: readonly string[]
  /** Partitions the member holds (consumer groups). */
  readonly assignment: readonly TopicPartition[]
  /** The raw bytes, for groups of other protocol types. */
  readonly metadata: Buffer
  readonly rawAssignment: Buffer
}

export interface GroupDescription {
  readonly groupId: string
  /** Empty, PreparingRebalance, CompletingRebalance, Stable or Dead (Dead: no such group). */
  readonly state: string
  readonly protocolType: string
  /** The assignor in use (`range`, `cooperative-sticky`, ...). */
  readonly protocol: string
  readonly members: readonly GroupMember[]
  readonly coordinator: number
}

export interface CommittedOffset extends TopicPartition {
  /** -1n when the group has committed nothing for the partition. */
  readonly offset: bigint
  readonly leaderEpoch: number
  readonly metadata: string | null
}

export interface OffsetToCommit extends TopicPartition {
  offset: bigint
  metadata?: string | null
}

export interface PartitionLag extends TopicPartition {
  /** -1n when nothing is committed. */
  readonly committed: bigint
  /** The high watermark (next offset to be written). */
  readonly logEnd: bigint
  /** logEnd - committed, or null when nothing is committed. */
  readonly lag: bigint | null
  /** The member holding the partition now, if any. */
  readonly memberId: string | null
}

export interface GroupLag {
  readonly groupId: string
  readonly state: string
  readonly partitions: readonly PartitionLag[]
  /** Sum of the partitions' lag (those with a commit). */
  readonly totalLag: bigint
}

export type ResetTarget = 'earliest' | 'latest' | { timestamp: number } | { offset: bigint }
