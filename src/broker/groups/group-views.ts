import { ErrorCode } from '../../protocol/error-codes.js'
import type { ClassicGroup } from './classic-group.js'
import type { CommittedOffsets } from './committed-offsets.js'
import type { DescribedGroup, FetchedOffsets, FetchedPartition, ListedGroup } from './coordinator-requests.js'

/**
 * Read-only views of the coordinator's state, as OffsetFetch,
 * DescribeGroups and ListGroups report it. The coordinator checks that it
 * is serving before asking for them.
 */

const EMPTY = Buffer.alloc(0)

/**
 * Committed offsets of `topics`, or of every partition the group has
 * committed when `topics` is null (sorted by partition). A partition
 * without a commit is offset -1, leader epoch -1, empty metadata, no error.
 */
export function committedOffsetsView(
  offsets: CommittedOffsets,
  groupId: string,
  topics: readonly { name: string; partitions: readonly number[] }[] | null,
): FetchedOffsets['topics'] {
  const one = (topic: string, partition: number): FetchedPartition => {
    const committed = offsets.get(groupId, topic, partition)
    if (!committed)
      return { partition, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE }
    const { offset, leaderEpoch, metadata } = committed
    return { partition, offset, leaderEpoch, metadata, errorCode: ErrorCode.NONE }
  }
  if (topics === null) {
    return offsets.topicsOf(groupId).map(({ topic, partitions }) => ({
      topic,
      partitions: [...partitions.keys()].sort((a, b) => a - b).map((p) => one(topic, p)),
    }))
  }
  return topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => one(t.name, p)) }))
}

/**
 * A group as DescribeGroups shows it. One that does not exist is Dead with
 * no error, as Kafka answers up to DescribeGroups v5. The chosen assignor,
 * subscriptions and assignments are only shown while the group is Stable:
 * before that they describe a generation still being formed.
 */
export function describeGroupView(groupId: string, group: ClassicGroup | undefined): DescribedGroup {
  if (!group) {
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      state: 'Dead',
      protocolType: '',
      protocolName: '',
      members: [],
    }
  }
  const stable = group.is('Stable')
  const protocol = group.protocolName ?? ''
  return {
    errorCode: ErrorCode.NONE,
    groupId,
    state: group.state,
    protocolType: group.protocolType ?? '',
    protocolName: stable ? protocol : '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      metadata: stable ? m.metadataFor(protocol) : EMPTY,
      assignment: stable ? m.assignment : EMPTY,
    })),
  }
}

/** Groups in any of `states` (compared without case, as KIP-518 says), or all of them when `states` is empty. */
export function listGroupsView(groups: Iterable<ClassicGroup>, states: readonly string[]): ListedGroup[] {
  const wanted = new Set(states.map((s) => s.toLowerCase()))
  return [...groups]
    .filter((g) => !g.is('Dead') && (wanted.size === 0 || wanted.has(g.state.toLowerCase())))
    .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state }))
}
