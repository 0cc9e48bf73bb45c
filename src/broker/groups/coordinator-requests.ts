import type { MemberProtocol } from './group-member.js'

/**
 * The group coordinator's inputs and outputs, independent of API versions:
 * each handler fills these from whatever version it received and maps the
 * answer back.
 */

export interface JoinRequest {
  groupId: string
  /** Empty on a member's first join. */
  memberId: string
  groupInstanceId: string | null
  /** JoinGroup v4+ from a dynamic member: hand out an id and make it rejoin with it (KIP-394). */
  requireKnownMemberId: boolean
  clientId: string
  clientHost: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: MemberProtocol[]
}

export interface SyncRequest {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
  /** Checked against the group's when given (SyncGroup v5+). */
  protocolType: string | null
  protocolName: string | null
  /** The leader's assignment per member id; empty from followers. */
  assignments: ReadonlyMap<string, Buffer>
}

export interface HeartbeatRequest {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
}

export interface MemberIdentity {
  memberId: string
  groupInstanceId: string | null
}

export interface LeaveResult {
  errorCode: number
  members: (MemberIdentity & { errorCode: number })[]
}

export interface OffsetToCommit {
  topic: string
  partition: number
  offset: bigint
  leaderEpoch: number
  metadata: string | null
}

export interface CommitRequest {
  groupId: string
  /** -1 (with an empty member id) for a consumer outside group management. */
  generationId: number
  memberId: string
  groupInstanceId: string | null
  offsets: OffsetToCommit[]
}

export interface FetchedPartition {
  partition: number
  /** -1 when nothing was committed. */
  offset: bigint
  leaderEpoch: number
  metadata: string
  errorCode: number
}

export interface FetchedOffsets {
  /** A group-level error (coordinator loading, not available); the topics are then empty. */
  errorCode: number
  topics: { topic: string; partitions: FetchedPartition[] }[]
}

export interface DeletedOffsets {
  /** A group-level error (unknown group, members of a non-consumer group, coordinator state); the topics are then empty. */
  errorCode: number
  topics: { name: string; partitions: { partition: number; errorCode: number }[] }[]
}

export interface DescribedMember {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  metadata: Buffer
  assignment: Buffer
}

export interface DescribedGroup {
  errorCode: number
  groupId: string
  state: string
  protocolType: string
  /** The chosen assignor, only while Stable. */
  protocolName: string
  members: DescribedMember[]
}

export interface ListedGroup {
  groupId: string
  protocolType: string
  state: string
}
