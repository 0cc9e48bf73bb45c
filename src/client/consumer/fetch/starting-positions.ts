import { ErrorCode, KafkaError } from '../../../protocol/error-codes.js'
import type { TopicPartition } from '../../admin/admin-types.js'
import { fetchOffsets } from '../../admin/group-admin.js'
import { listOffsets } from '../../admin/offset-admin.js'
import type { Cluster } from '../../cluster/cluster.js'

const key = (tp: TopicPartition) => `${tp.topic}\0${tp.partition}`

/** A partition's first offset to read; `committed` when the group had committed it already. */
export interface StartingPosition {
  readonly offset: number
  readonly committed: boolean
}

/**
 * Where each newly assigned partition starts: its committed offset, or,
 * where the group has none, the log start or end by `autoOffsetReset`
 * (`none` fails instead, as the Java consumer's
 * NoOffsetForPartitionException does). A committed offset out of the log's
 * range is reset when the first fetch answers OFFSET_OUT_OF_RANGE.
 */
export async function startingPositions(
  cluster: Cluster,
  groupId: string | undefined,
  partitions: readonly TopicPartition[],
  reset: 'earliest' | 'latest' | 'none',
  timeoutMs: number,
): Promise<Map<string, StartingPosition>> {
  const positions = new Map<string, StartingPosition>()
  if (partitions.length === 0) return positions
  if (groupId !== undefined) {
    const committed = await fetchOffsets(cluster, groupId, { partitions, requireStable: true, timeoutMs })
    for (const c of committed) {
      if (c.offset >= 0n) positions.set(key(c), { offset: Number(c.offset), committed: true })
    }
  }
  const missing = partitions.filter((tp) => !positions.has(key(tp)))
  for (const [k, offset] of await resetPositions(cluster, missing, reset, timeoutMs)) {
    positions.set(k, { offset, committed: false })
  }
  return positions
}

/** The log start or end of partitions, as `autoOffsetReset` says (OFFSET_OUT_OF_RANGE goes here too). */
export async function resetPositions(
  cluster: Cluster,
  partitions: readonly TopicPartition[],
  reset: 'earliest' | 'latest' | 'none',
  timeoutMs: number,
): Promise<Map<string, number>> {
  const positions = new Map<string, number>()
  if (partitions.length === 0) return positions
  if (reset === 'none') {
    const tp = partitions[0]
    throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, {
      topic: tp.topic,
      partition: tp.partition,
      reason: "no committed offset and autoOffsetReset is 'none'",
    })
  }
  const listed = await listOffsets(
    cluster,
    partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition, at: reset })),
    { timeoutMs },
  )
  for (const o of listed) positions.set(key(o), Number(o.offset))
  return positions
}
