import { decodeAssignment, decodeSubscription } from '../../protocol/consumer-protocol.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { Cluster } from '../cluster/cluster.js'
import { InvalidArgumentError } from '../errors.js'
import type {
  AdminCallOptions,
  CommittedOffset,
  GroupDescription,
  GroupListing,
  GroupMember,
  OffsetToCommit,
  TopicPartition,
} from './admin-types.js'
import { checkGroupId, checkPartition, uniqueByPartition } from './arguments.js'
import { CallDeadline, itemError, partitionOutcomes } from './call-context.js'
import { groupByTopic, perDestination } from './per-destination.js'
import { type Outcome, retryEach, retryItems } from './retry-each.js'

/** Looks up each group's coordinator; a group whose lookup failed gets that failure as its outcome. */
async function coordinators(
  cluster: Cluster,
  groups: readonly string[],
): Promise<{ nodes: Map<string, number>; failed: Map<string, Outcome<never>> }> {
  const nodes = new Map<string, number>()
  const failed = new Map<string, Outcome<never>>()
  await Promise.all(
    groups.map(async (group) => {
      try {
        nodes.set(group, await cluster.coordinator(group))
      } catch (error) {
        failed.set(group, { error: error as Error })
      }
    }),
  )
  return { nodes, failed }
}

/** Runs `send` against each group's coordinator, batching groups that share one. */
async function atCoordinators<R>(
  cluster: Cluster,
  groups: readonly string[],
  send: (nodeId: number, groups: string[]) => Promise<Map<string, Outcome<R>>>,
): Promise<Map<string, Outcome<R>>> {
  const { nodes, failed } = await coordinators(cluster, groups)
  const routed = await perDestination(
    [...nodes.keys()],
    (g) => g,
    (g) => nodes.get(g)!,
    (nodeId, list) => send(nodeId as number, list),
  )
  return new Map([...failed, ...routed])
}

/**
 * Runs `send` at one group's coordinator for several items (partitions);
 * when the lookup or the request fails as a whole, every item carries that
 * failure (NOT_COORDINATOR and the like, which the retry loop acts on).
 */
async function atGroupCoordinator<R>(
  cluster: Cluster,
  groupId: string,
  pending: readonly string[],
  send: (nodeId: number) => Promise<Map<string, Outcome<R>>>,
): Promise<Map<string, Outcome<R>>> {
  try {
    return await send(await cluster.coordinator(groupId))
  } catch (error) {
    return new Map(pending.map((k): [string, Outcome<R>] => [k, { error: error as Error }]))
  }
}

/**
 * Every group the cluster knows. Each broker lists only the groups it
 * coordinates, so every broker is asked and the answers are merged.
 */
export async function listGroups(
  cluster: Cluster,
  options: AdminCallOptions & { states?: readonly string[] } = {},
): Promise<GroupListing[]> {
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  await cluster.refreshMetadata([])
  const nodes = cluster.metadata.brokers.map((b) => String(b.nodeId))
  const results = await retryEach<GroupListing[]>(
    cluster,
    nodes,
    async (pending) => {
      const outcomes = new Map<string, Outcome<GroupListing[]>>()
      await Promise.all(
        pending.map(async (node) => {
          try {
            const answer = await cluster.send(Number(node), Apis.ListGroups, {
              statesFilter: [...(options.states ?? [])],
            })
            if (answer.errorCode !== ErrorCode.NONE) {
              outcomes.set(node, { error: itemError(answer.errorCode, { broker: node }) })
              return
            }
            const listed = answer.groups.map((g) => ({
              groupId: g.groupId,
              protocolType: g.protocolType,
              state: g.groupState,
            }))
            // brokers before ListGroups v4 cannot filter: do it here
            const wanted = options.states
            outcomes.set(node, {
              ok: wanted?.length ? listed.filter((g) => g.state === '' || wanted.includes(g.state)) : listed,
            })
          } catch (error) {
            outcomes.set(node, { error: error as Error })
          }
        }),
      )
      return outcomes
    },
    { operation: 'listGroups', timeoutMs: deadline.timeoutMs },
  )
  return [...results.values()]
    .flat()
    .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
}

function describeMember(
  protocolType: string,
  m: {
    memberId: string
    groupInstanceId: string | null
    clientId: string
    clientHost: string
    memberMetadata: Buffer
    memberAssignment: Buffer
  },
): GroupMember {
  let subscription: string[] = []
  let assignment: TopicPartition[] = []
  if (protocolType === 'consumer') {
    try {
      if (m.memberMetadata.length > 0) subscription = decodeSubscription(m.memberMetadata).value.topics
    } catch {
      // another client's private metadata format: keep the raw bytes only
    }
    try {
      if (m.memberAssignment.length > 0) {
        assignment = decodeAssignment(m.memberAssignment).value.assignedPartitions.flatMap((t) =>
          t.partitions.map((partition) => ({ topic: t.topic, partition })),
        )
      }
    } catch {
      // as above
    }
  }
  return {
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    subscription,
    assignment,
    metadata: m.memberMetadata,
    rawAssignment: m.memberAssignment,
  }
}

/** State, assignor and members (with their subscriptions and assignments) of groups. */
export async function describeGroups(
  cluster: Cluster,
  groupIds: readonly string[],
  options: AdminCallOptions = {},
): Promise<GroupDescription[]> {
  groupIds.forEach((g, i) => {
    checkGroupId(g, `groupIds[${i}]`)
  })
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  const results = await retryEach<GroupDescription>(
    cluster,
    groupIds,
    (pending) =>
      atCoordinators(cluster, pending, async (nodeId, groups) => {
        const answer = await cluster.send(nodeId, Apis.DescribeGroups, {
          groups,
          includeAuthorizedOperations: false,
        })
        const outcomes = new Map<string, Outcome<GroupDescription>>()
        for (const g of answer.groups) {
          if (g.errorCode !== ErrorCode.NONE) {
            outcomes.set(g.groupId, { error: itemError(g.errorCode, { group: g.groupId }) })
            continue
          }
          outcomes.set(g.groupId, {
            ok: {
              groupId: g.groupId,
              state: g.groupState,
              protocolType: g.protocolType,
              protocol: g.protocolData,
              members: g.members.map((m) => describeMember(g.protocolType, m)),
              coordinator: nodeId,
            },
          })
        }
        return outcomes
      }),
    { operation: 'describeGroups', timeoutMs: deadline.timeoutMs, context: ([group]) => ({ group }) },
  )
  return groupIds.map((g) => results.get(g)!)
}

/** Deletes groups and their committed offsets; a group with members fails with NON_EMPTY_GROUP. */
export async function deleteGroups(
  cluster: Cluster,
  groupIds: readonly string[],
  options: AdminCallOptions = {},
): Promise<void> {
  groupIds.forEach((g, i) => {
    checkGroupId(g, `groupIds[${i}]`)
  })
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  await retryEach<true>(
    cluster,
    groupIds,
    (pending) =>
      atCoordinators(cluster, pending, async (nodeId, groups) => {
        const answer = await cluster.send(nodeId, Apis.DeleteGroups, { groupsNames: groups })
        return new Map(
          answer.results.map((r): [string, Outcome<true>] => [
            r.groupId,
            r.errorCode === ErrorCode.NONE
              ? { ok: true }
              : { error: itemError(r.errorCode, { group: r.groupId }) },
          ]),
        )
      }),
    { operation: 'deleteGroups', timeoutMs: deadline.timeoutMs, context: ([group]) => ({ group }) },
  )
  for (const g of groupIds) cluster.forgetCoordinator(g)
}

/**
 * A group's committed offsets: for the given partitions (offset -1n where
 * nothing is committed), or every partition it has committed for.
 */
export async function fetchOffsets(
  cluster: Cluster,
  groupId: string,
  options: AdminCallOptions & { partitions?: readonly TopicPartition[]; requireStable?: boolean } = {},
): Promise<CommittedOffset[]> {
  checkGroupId(groupId, 'groupId')
  options.partitions?.forEach((p, i) => {
    checkPartition(p, `partitions[${i}]`)
  })
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  const topics = options.partitions
    ? groupByTopic(options.partitions, (p) => p.partition).map((t) => ({
        name: t.name,
        partitionIndexes: t.partitions,
      }))
    : null
  const results = await retryEach<CommittedOffset[]>(
    cluster,
    [groupId],
    () =>
      atGroupCoordinator(cluster, groupId, [groupId], async (nodeId) => {
        const connection = await cluster.connectionTo(nodeId)
        const version = connection.versions!.version(Apis.OffsetFetch)
        const answer = await connection.request(Apis.OffsetFetch, {
          groupId,
          topics,
          groups: [{ groupId, topics }],
          requireStable: options.requireStable ?? false,
        })
        const group =
          version >= 8 ? answer.groupIds[0] : { errorCode: answer.errorCode, topics: answer.topics }
        if (!group) return new Map()
        if (group.errorCode !== ErrorCode.NONE) throw itemError(group.errorCode, { group: groupId })
        const offsets: CommittedOffset[] = []
        for (const t of group.topics) {
          for (const p of t.partitions) {
            const where = { group: groupId, topic: t.name, partition: p.partitionIndex }
            if (p.errorCode !== ErrorCode.NONE) throw itemError(p.errorCode, where)
            offsets.push({
              topic: t.name,
              partition: p.partitionIndex,
              offset: p.committedOffset,
              leaderEpoch: p.committedLeaderEpoch,
              metadata: p.metadata,
            })
          }
        }
        offsets.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
        return new Map([[groupId, { ok: offsets }]])
      }),
    { operation: 'fetchOffsets', timeoutMs: deadline.timeoutMs, context: () => ({ group: groupId }) },
  )
  return results.get(groupId)!
}

/** Codes OffsetCommit gives a commit from outside a group that has members. */
const ACTIVE_GROUP_CODES = new Set<number>([
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.REBALANCE_IN_PROGRESS,
])

/**
 * Sets a group's committed offsets. Only for a group with no active
 * members (Kafka refuses commits from outside a live generation): stop its
 * consumers first, as with `kafka-consumer-groups --reset-offsets`.
 */
export async function alterOffsets(
  cluster: Cluster,
  groupId: string,
  offsets: readonly OffsetToCommit[],
  options: AdminCallOptions = {},
): Promise<void> {
  checkGroupId(groupId, 'groupId')
  const byKey = uniqueByPartition(offsets, 'offsets')
  offsets.forEach((o, i) => {
    if (typeof o.offset !== 'bigint' || o.offset < 0n) {
      throw new InvalidArgumentError(`offsets[${i}].offset`, 'must be a bigint offset >= 0')
    }
  })
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  await retryItems(
    cluster,
    byKey,
    async (items, pending) => {
      return atGroupCoordinator(cluster, groupId, pending, async (nodeId) => {
        const answer = await cluster.send(nodeId, Apis.OffsetCommit, {
          groupId,
          generationId: -1,
          memberId: '',
          groupInstanceId: null,
          topics: groupByTopic(items, (o) => ({
            partitionIndex: o.partition,
            committedOffset: o.offset,
            committedLeaderEpoch: -1,
            committedMetadata: o.metadata ?? null,
          })),
        })
        return partitionOutcomes(
          answer.topics,
          () => true as const,
          { group: groupId },
          (code) =>
            ACTIVE_GROUP_CODES.has(code)
              ? 'the group has active members; stop them before altering its offsets'
              : undefined,
        )
      })
    },
    { operation: 'alterOffsets', timeoutMs: deadline.timeoutMs, context: () => ({ group: groupId }) },
  )
}

/** Deletes a group's committed offsets for some partitions (OffsetDelete, KIP-496). */
export async function deleteOffsets(
  cluster: Cluster,
  groupId: string,
  partitions: readonly TopicPartition[],
  options: AdminCallOptions = {},
): Promise<void> {
  checkGroupId(groupId, 'groupId')
  const byKey = uniqueByPartition(partitions, 'partitions')
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  await retryItems(
    cluster,
    byKey,
    async (items, pending) => {
      return atGroupCoordinator(cluster, groupId, pending, async (nodeId) => {
        const answer = await cluster.send(nodeId, Apis.OffsetDelete, {
          groupId,
          topics: groupByTopic(items, (p) => ({ partitionIndex: p.partition })),
        })
        if (answer.errorCode !== ErrorCode.NONE) throw itemError(answer.errorCode, { group: groupId })
        return partitionOutcomes(answer.topics, () => true as const, { group: groupId })
      })
    },
    { operation: 'deleteOffsets', timeoutMs: deadline.timeoutMs, context: () => ({ group: groupId }) },
  )
}
