/**
 * The one check every partition handler makes before serving a partition
 * (Produce, Fetch, ListOffsets, DeleteRecords, OffsetForLeaderEpoch): may
 * this node serve it now? Call it once the partition is known to exist.
 *
 * In Kafka's order (Partition.getLocalLog): the client's current leader
 * epoch first, when it sent one (-1 skips the check) — older than the
 * partition's is FENCED_LEADER_EPOCH, newer UNKNOWN_LEADER_EPOCH — then
 * leadership: NOT_LEADER_OR_FOLLOWER on any node but the leader. Every node
 * of a test cluster holds every partition, so Kafka would call them
 * followers; they still refuse consumer fetches, which Kafka serves from
 * followers only to clients that ask for a nearby replica (KIP-392), so that
 * a client's routing to leaders is what gets exercised.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import type { RequestContext } from './handler.js'

/** NONE when this node may serve the partition, otherwise the error code to answer with. */
export function partitionGate(
  ctx: RequestContext,
  topic: string,
  partition: number,
  currentLeaderEpoch: number,
): number {
  // TEST ONLY: a failure injected for this partition (faults/, off unless faultInjection is set)
  const injected = ctx.broker.options.faults?.partitionError(ctx, topic, partition)
  if (injected) return injected
  const { leaderId, leaderEpoch } = ctx.broker.cluster.leaderOf(topic, partition)
  if (currentLeaderEpoch >= 0) {
    if (currentLeaderEpoch < leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH
    if (currentLeaderEpoch > leaderEpoch) return ErrorCode.UNKNOWN_LEADER_EPOCH
  }
  if (leaderId !== ctx.broker.nodeId) return ErrorCode.NOT_LEADER_OR_FOLLOWER
  return ErrorCode.NONE
}
