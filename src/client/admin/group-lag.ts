import type { Cluster } from '../cluster/cluster.js'
import { InvalidArgumentError } from '../errors.js'
import type {
  AdminCallOptions,
  GroupLag,
  OffsetToCommit,
  PartitionLag,
  ResetTarget,
  TopicPartition,
} from './admin-types.js'
import { checkGroupId, checkTopicName } from './arguments.js'
import { CallDeadline, partitionKey } from './call-context.js'
import { alterOffsets, describeGroups, fetchOffsets } from './group-admin.js'
import { listOffsets } from './offset-admin.js'

const byPartition = (a: TopicPartition, b: TopicPartition) =>
  a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition

/**
 * How far a group is behind, per partition: the partitions it has committed
 * for and those its members hold now, each with the committed offset, the
 * high watermark and their difference (null where nothing is committed, as
 * `kafka-consumer-groups --describe` shows "-").
 */
export async function groupLag(
  cluster: Cluster,
  groupId: string,
  options: AdminCallOptions = {},
): Promise<GroupLag> {
  checkGroupId(groupId, 'groupId')
  const deadline = new CallDeadline(cluster, options)
  const [description] = await describeGroups(cluster, [groupId], { timeoutMs: deadline.remainingMs })
  const committed = await fetchOffsets(cluster, groupId, { timeoutMs: deadline.remainingMs })
  const holder = new Map<string, string>()
  for (const member of description.members) {
    for (const tp of member.assignment) holder.set(partitionKey(tp.topic, tp.partition), member.memberId)
  }
  const partitions = new Map<string, TopicPartition>()
  for (const c of committed) partitions.set(partitionKey(c.topic, c.partition), c)
  for (const member of description.members) {
    for (const tp of member.assignment) partitions.set(partitionKey(tp.topic, tp.partition), tp)
  }
  const queries = [...partitions.values()].map((tp) => ({
    topic: tp.topic,
    partition: tp.partition,
    at: 'latest' as const,
  }))
  const ends =
    queries.length > 0 ? await listOffsets(cluster, queries, { timeoutMs: deadline.remainingMs }) : []
  const endOf = new Map(ends.map((e) => [partitionKey(e.topic, e.partition), e.offset]))
  const committedOf = new Map(committed.map((c) => [partitionKey(c.topic, c.partition), c.offset]))
  const lags: PartitionLag[] = [...partitions.values()].sort(byPartition).map((tp) => {
    const key = partitionKey(tp.topic, tp.partition)
    const logEnd = endOf.get(key) ?? -1n
    const offset = committedOf.get(key) ?? -1n
    const lag = offset < 0n ? null : logEnd > offset ? logEnd - offset : 0n
    return {
      topic: tp.topic,
      partition: tp.partition,
      committed: offset,
      logEnd,
      lag,
      memberId: holder.get(key) ?? null,
    }
  })
  return {
    groupId,
    state: description.state,
    partitions: lags,
    totalLag: lags.reduce((sum, p) => sum + (p.lag ?? 0n), 0n),
  }
}

/**
 * Moves a group's committed offsets for a topic (all its partitions, or the
 * ones given) to the log start, the end, the first offset at or after a time
 * (the end where no record is that late), or an explicit offset. The group
 * must have no active members. Resolves with the offsets committed.
 */
export async function resetOffsets(
  cluster: Cluster,
  groupId: string,
  target: { topic: string; partitions?: readonly number[]; to: ResetTarget },
  options: AdminCallOptions = {},
): Promise<OffsetToCommit[]> {
  checkGroupId(groupId, 'groupId')
  checkTopicName(target?.topic, 'target.topic')
  const deadline = new CallDeadline(cluster, options)
  const to = target.to
  const numbers =
    target.partitions ??
    (await cluster.topicMetadata([target.topic], { timeoutMs: deadline.remainingMs }))
      .get(target.topic)!
      .partitions.map((p) => p.partition)
  let offsets: OffsetToCommit[]
  if (typeof to === 'object' && to !== null && 'offset' in to) {
    if (typeof to.offset !== 'bigint' || to.offset < 0n) {
      throw new InvalidArgumentError('target.to.offset', 'must be a bigint offset >= 0')
    }
    offsets = numbers.map((partition) => ({ topic: target.topic, partition, offset: to.offset }))
  } else {
    const found = await listOffsets(
      cluster,
      numbers.map((partition) => ({ topic: target.topic, partition, at: to })),
      { timeoutMs: deadline.remainingMs },
    )
    const missing = found.filter((f) => f.offset < 0n)
    const ends =
      missing.length > 0
        ? await listOffsets(
            cluster,
            missing.map((f) => ({ topic: f.topic, partition: f.partition, at: 'latest' as const })),
            { timeoutMs: deadline.remainingMs },
          )
        : []
    const endOf = new Map(ends.map((e) => [e.partition, e.offset]))
    offsets = found.map((f) => ({
      topic: f.topic,
      partition: f.partition,
      offset: f.offset >= 0n ? f.offset : endOf.get(f.partition)!,
    }))
  }
  await alterOffsets(cluster, groupId, offsets, { timeoutMs: deadline.remainingMs })
  return offsets
}
