/**
 * The JSON the console's API answers, shared with the page (type-only).
 * Offsets are JSON numbers: exact up to 2^53, which no partition's offset
 * comes near (nine quadrillion records).
 */

export interface ClusterView {
  readonly clusterId: string | null
  readonly controller: number
  readonly brokers: readonly { nodeId: number; host: string; port: number; rack: string | null }[]
}

export interface TopicPartitionView {
  readonly partition: number
  readonly leader: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
  readonly earliest: number
  readonly latest: number
}

export interface TopicView {
  readonly topic: string
  readonly partitions: readonly TopicPartitionView[]
}

export interface TopicsView {
  readonly topics: readonly TopicView[]
  /** True when there were more topics than the console lists. */
  readonly truncated: boolean
}

export interface GroupMemberView {
  readonly memberId: string
  readonly clientId: string
  readonly clientHost: string
  readonly assignment: readonly { topic: string; partition: number }[]
}

export interface PartitionLagView {
  readonly topic: string
  readonly partition: number
  /** -1 when nothing is committed. */
  readonly committed: number
  readonly logEnd: number
  /** Null when nothing is committed. */
  readonly lag: number | null
  readonly memberId: string | null
}

export interface GroupView {
  readonly groupId: string
  readonly state: string
  readonly protocolType: string
  readonly protocol: string
  readonly members: readonly GroupMemberView[]
  readonly partitions: readonly PartitionLagView[]
  readonly totalLag: number
}

export interface GroupsView {
  readonly groups: readonly GroupView[]
  readonly truncated: boolean
}

/** What an API call that failed answers (HTTP 502 when Kafka failed it). */
export interface ApiError {
  readonly error: string
}
