import type { PartitionLog } from '../log/partition-log.js'
import type { TopicConfig } from './topic-config.js'

/** One partition: its log, and the key fetch long-polls watch it under. */
export interface Partition {
  readonly topic: string
  readonly index: number
  readonly log: PartitionLog
  /** PartitionWatchers key, computed once. */
  readonly watchKey: string
}

export interface Topic {
  readonly name: string
  /** KIP-516 topic id, a UUID string. */
  readonly id: string
  readonly partitions: Partition[]
  config: TopicConfig
}
