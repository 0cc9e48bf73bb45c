import type { TopicPartition } from '../../admin/admin-types.js'

/** One member as the leader sees it in JoinGroup: its subscription, decoded. */
export interface MemberSubscription {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly topics: readonly string[]
  /** What it holds now (cooperative protocol; empty for eager members). */
  readonly ownedPartitions: readonly TopicPartition[]
  /** The generation its owned partitions are from; -1 when unknown. */
  readonly generation: number
}

/** Partitions per member id. */
export type Assignment = Map<string, TopicPartition[]>

/**
 * A partition assignor, named as the Java client names it so groups of
 * Sluice, Java and librdkafka members agree on it. `eager` assignors expect
 * every member to give up everything before a rebalance; `cooperative` ones
 * only take away what moves (KIP-429).
 */
export interface Assignor {
  readonly name: string
  readonly protocol: 'eager' | 'cooperative'
  /** What this member puts in its subscription's user data (the Java assignors' formats). */
  userData(generation: number): Buffer | null
  assign(members: readonly MemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>): Assignment
}

/** Java's MemberInfo order: by group instance id when both have one, else by member id. */
export function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  const ka = a.groupInstanceId ?? a.memberId
  const kb = b.groupInstanceId ?? b.memberId
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return ka < kb ? -1 : ka > kb ? 1 : 0
  if (a.groupInstanceId !== null) return -1
  if (b.groupInstanceId !== null) return 1
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0
}

export function emptyAssignment(members: readonly MemberSubscription[]): Assignment {
  return new Map(members.map((m) => [m.memberId, []]))
}

export function byTopicThenPartition(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
}
