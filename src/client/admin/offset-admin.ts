import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { Cluster } from '../cluster/cluster.js'
import { InvalidArgumentError, UnsupportedVersionError } from '../errors.js'
import type {
  AdminCallOptions,
  DeletedRecords,
  ListedOffset,
  ListOffsetsOptions,
  OffsetQuery,
  OffsetSpec,
  RecordsToDelete,
  TopicPartition,
} from './admin-types.js'
import { CallDeadline, itemError, partitionKey } from './call-context.js'
import { byLeader, groupByTopic, perDestination } from './per-destination.js'
import { type Outcome, retryEach } from './retry-each.js'
import { checkTopicName } from './topic-admin.js'

/** ListOffsets' special timestamps. */
const LATEST = -1n
const EARLIEST = -2n
const MAX_TIMESTAMP = -3n
/** ListOffsets v7 is the first to know MAX_TIMESTAMP (KIP-734). */
const MAX_TIMESTAMP_VERSION = 7

function specTimestamp(spec: OffsetSpec, argument: string): bigint {
  if (spec === 'earliest') return EARLIEST
  if (spec === 'latest') return LATEST
  if (spec === 'max-timestamp') return MAX_TIMESTAMP
  if (
    typeof spec === 'object' &&
    spec !== null &&
    Number.isSafeInteger(spec.timestamp) &&
    spec.timestamp >= 0
  ) {
    return BigInt(spec.timestamp)
  }
  throw new InvalidArgumentError(
    argument,
    'must be earliest, latest, max-timestamp or { timestamp: ms >= 0 }',
  )
}

export function checkPartition(tp: TopicPartition, argument: string): void {
  checkTopicName(tp?.topic, `${argument}.topic`)
  if (!Number.isInteger(tp.partition) || tp.partition < 0) {
    throw new InvalidArgumentError(
      `${argument}.partition`,
      `must be a partition number >= 0, got ${tp.partition}`,
    )
  }
}

function uniqueByPartition<T extends TopicPartition>(items: readonly T[], argument: string): Map<string, T> {
  const byKey = new Map<string, T>()
  items.forEach((item, i) => {
    checkPartition(item, `${argument}[${i}]`)
    const key = partitionKey(item.topic, item.partition)
    if (byKey.has(key)) throw new InvalidArgumentError(`${argument}[${i}]`, `${key} is listed twice`)
    byKey.set(key, item)
  })
  return byKey
}

/**
 * Offsets of partitions, asked of each partition's leader: the log start
 * (`earliest`), the high watermark (`latest`), the record with the largest
 * timestamp, or the first offset whose timestamp is at or after a time.
 */
export async function listOffsets(
  cluster: Cluster,
  queries: readonly OffsetQuery[],
  options: ListOffsetsOptions = {},
): Promise<ListedOffset[]> {
  const byKey = uniqueByPartition(queries, 'queries')
  const timestamps = new Map([...byKey].map(([k, q], i) => [k, specTimestamp(q.at, `queries[${i}].at`)]))
  const isolationLevel = options.isolationLevel === 'read_committed' ? 1 : 0
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  const results = await retryEach<ListedOffset>(
    cluster,
    [...byKey.keys()],
    async (pending) => {
      const items = pending.map((k) => byKey.get(k)!)
      const { leaders, failed } = await byLeader(cluster, items)
      const routed = await perDestination(
        items.filter((i) => leaders.has(i)),
        (i) => partitionKey(i.topic, i.partition),
        (i) => leaders.get(i)!.nodeId,
        async (nodeId, list) => {
          const connection = await cluster.connectionTo(nodeId as number)
          const needsMax = list.some(
            (i) => timestamps.get(partitionKey(i.topic, i.partition)) === MAX_TIMESTAMP,
          )
          const version = connection.versions!.version(Apis.ListOffsets)
          if (needsMax && version < MAX_TIMESTAMP_VERSION) {
            throw new UnsupportedVersionError(
              'ListOffsets (max-timestamp)',
              connection.address,
              { min: 7, max: 7 },
              {
                min: 0,
                max: version,
              },
            )
          }
          const answer = await connection.request(Apis.ListOffsets, {
            replicaId: -1,
            isolationLevel,
            topics: groupByTopic(list, (i) => ({
              partitionIndex: i.partition,
              currentLeaderEpoch: leaders.get(i)!.leaderEpoch,
              timestamp: timestamps.get(partitionKey(i.topic, i.partition))!,
              maxNumOffsets: 1,
            })),
          })
          const outcomes = new Map<string, Outcome<ListedOffset>>()
          for (const t of answer.topics) {
            for (const p of t.partitions) {
              const key = partitionKey(t.name, p.partitionIndex)
              if (p.errorCode !== ErrorCode.NONE) {
                outcomes.set(key, {
                  error: itemError(p.errorCode, { topic: t.name, partition: p.partitionIndex }),
                })
                continue
              }
              const offset = version === 0 ? (p.oldStyleOffsets[0] ?? -1n) : p.offset
              outcomes.set(key, {
                ok: {
                  topic: t.name,
                  partition: p.partitionIndex,
                  offset,
                  timestamp: Number(p.timestamp),
                  leaderEpoch: p.leaderEpoch,
                },
              })
            }
          }
          return outcomes
        },
      )
      return new Map([...failed, ...routed])
    },
    {
      operation: 'listOffsets',
      timeoutMs: deadline.timeoutMs,
      context: (keys) => ({ topics: keys.map((k) => byKey.get(k)!.topic) }),
    },
  )
  return [...byKey.keys()].map((k) => results.get(k)!)
}

/**
 * Deletes the records of partitions before an offset (`before: -1n`: all of
 * them, up to the high watermark), by advancing the log start offset on the
 * leader. Resolves with each partition's new log start.
 */
export async function deleteRecords(
  cluster: Cluster,
  requests: readonly RecordsToDelete[],
  options: AdminCallOptions = {},
): Promise<DeletedRecords[]> {
  const byKey = uniqueByPartition(requests, 'requests')
  requests.forEach((r, i) => {
    if (typeof r.before !== 'bigint' || r.before < -1n) {
      throw new InvalidArgumentError(
        `requests[${i}].before`,
        'must be an offset (bigint) >= 0, or -1n for all records',
      )
    }
  })
  const deadline = new CallDeadline(cluster, options)
  await cluster.connect()
  const results = await retryEach<DeletedRecords>(
    cluster,
    [...byKey.keys()],
    async (pending) => {
      const items = pending.map((k) => byKey.get(k)!)
      const { leaders, failed } = await byLeader(cluster, items)
      const routed = await perDestination(
        items.filter((i) => leaders.has(i)),
        (i) => partitionKey(i.topic, i.partition),
        (i) => leaders.get(i)!.nodeId,
        async (nodeId, list) => {
          const connection = await cluster.connectionTo(nodeId as number)
          const answer = await connection.request(Apis.DeleteRecords, {
            topics: groupByTopic(list, (i) => ({ partitionIndex: i.partition, offset: i.before })),
            timeoutMs: deadline.brokerTimeoutMs,
          })
          const outcomes = new Map<string, Outcome<DeletedRecords>>()
          for (const t of answer.topics) {
            for (const p of t.partitions) {
              const key = partitionKey(t.name, p.partitionIndex)
              outcomes.set(
                key,
                p.errorCode === ErrorCode.NONE
                  ? { ok: { topic: t.name, partition: p.partitionIndex, lowWatermark: p.lowWatermark } }
                  : { error: itemError(p.errorCode, { topic: t.name, partition: p.partitionIndex }) },
              )
            }
          }
          return outcomes
        },
      )
      return new Map([...failed, ...routed])
    },
    {
      operation: 'deleteRecords',
      timeoutMs: deadline.timeoutMs,
      context: (keys) => ({ topics: keys.map((k) => byKey.get(k)!.topic) }),
    },
  )
  return [...byKey.keys()].map((k) => results.get(k)!)
}
