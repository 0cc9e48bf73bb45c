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
} from './admin-types.js'
import { uniqueByPartition } from './arguments.js'
import { CallDeadline, partitionKey, partitionOutcomes } from './call-context.js'
import { atLeaders, groupByTopic } from './per-destination.js'
import { retryItems } from './retry-each.js'

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
  const results = await retryItems(
    cluster,
    byKey,
    (pending) =>
      atLeaders(cluster, pending, async (nodeId, list, leaders) => {
        const connection = await cluster.connectionTo(nodeId)
        const version = connection.versions!.version(Apis.ListOffsets)
        const needsMax = list.some(
          (i) => timestamps.get(partitionKey(i.topic, i.partition)) === MAX_TIMESTAMP,
        )
        if (needsMax && version < MAX_TIMESTAMP_VERSION) {
          const needed = { min: MAX_TIMESTAMP_VERSION, max: MAX_TIMESTAMP_VERSION }
          throw new UnsupportedVersionError('ListOffsets (max-timestamp)', connection.address, needed, {
            min: 0,
            max: version,
          })
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
        return partitionOutcomes(answer.topics, (topic, p) => ({
          topic,
          partition: p.partitionIndex,
          offset: version === 0 ? (p.oldStyleOffsets[0] ?? -1n) : p.offset,
          timestamp: Number(p.timestamp),
          leaderEpoch: p.leaderEpoch,
        }))
      }),
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
  const results = await retryItems(
    cluster,
    byKey,
    (pending) =>
      atLeaders(cluster, pending, async (nodeId, list) => {
        const answer = await cluster.send(nodeId, Apis.DeleteRecords, {
          topics: groupByTopic(list, (i) => ({ partitionIndex: i.partition, offset: i.before })),
          timeoutMs: deadline.brokerTimeoutMs,
        })
        return partitionOutcomes(answer.topics, (topic, p) => ({
          topic,
          partition: p.partitionIndex,
          lowWatermark: p.lowWatermark,
        }))
      }),
    {
      operation: 'deleteRecords',
      timeoutMs: deadline.timeoutMs,
      context: (keys) => ({ topics: keys.map((k) => byKey.get(k)!.topic) }),
    },
  )
  return [...byKey.keys()].map((k) => results.get(k)!)
}
