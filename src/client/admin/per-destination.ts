import { systemClock } from '../../flow/clock.js'
import { ErrorCode } from '../../protocol/error-codes.js'
import type { Cluster } from '../cluster/cluster.js'
import type { BrokerConnection } from '../network/broker-connection.js'
import { itemError, partitionKey } from './call-context.js'
import type { Outcome } from './retry-each.js'

/** A broker's node id, or any broker (the least loaded one). */
export type Destination = number | 'any'

/** Sends one request per destination node, in parallel, and merges the outcomes. */
export async function perDestination<T, R>(
  items: readonly T[],
  keyOf: (item: T) => string,
  where: (item: T) => Destination,
  send: (nodeId: Destination, items: T[]) => Promise<Map<string, Outcome<R>>>,
): Promise<Map<string, Outcome<R>>> {
  const groups = new Map<Destination, T[]>()
  for (const item of items) {
    const d = where(item)
    groups.set(d, [...(groups.get(d) ?? []), item])
  }
  const merged = new Map<string, Outcome<R>>()
  await Promise.all(
    [...groups].map(async ([d, list]) => {
      try {
        for (const [k, v] of await send(d, list)) merged.set(k, v)
      } catch (error) {
        // the whole request to one broker failed: each of its items carries that failure
        for (const item of list) merged.set(keyOf(item), { error: error as Error })
      }
    }),
  )
  return merged
}

/** A connection to a destination. */
export function connectionFor(cluster: Cluster, destination: Destination): Promise<BrokerConnection> {
  return destination === 'any' ? cluster.leastLoadedConnection() : cluster.connectionTo(destination)
}

/**
 * Splits partition-level items by their leader, from metadata refreshed
 * when stale. An item whose topic metadata says does not exist fails for
 * good (as in the Java admin client), as does one beyond the partitions that
 * freshly fetched metadata lists; one whose partition has no leader yet
 * fails for this attempt only.
 */
export async function byLeader<T extends { topic: string; partition: number }>(
  cluster: Cluster,
  items: readonly T[],
): Promise<{
  leaders: Map<T, { nodeId: number; leaderEpoch: number }>
  failed: Map<string, Outcome<never>>
}> {
  const topics = [...new Set(items.map((i) => i.topic))]
  const now = (cluster.options.clock ?? systemClock).now()
  const stale = topics.filter((t) => !cluster.metadata.isFresh(t, now, cluster.options.metadataMaxAgeMs))
  const errors = stale.length > 0 ? await cluster.refreshMetadata(stale) : new Map<string, number>()
  const leaders = new Map<T, { nodeId: number; leaderEpoch: number }>()
  const failed = new Map<string, Outcome<never>>()
  for (const item of items) {
    const key = partitionKey(item.topic, item.partition)
    const where = { topic: item.topic, partition: item.partition }
    const topicError = errors.get(item.topic) ?? ErrorCode.NONE
    const topic = cluster.metadata.topic(item.topic)
    if (topicError === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || (topicError === ErrorCode.NONE && !topic)) {
      failed.set(key, { error: itemError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, where), final: true })
      continue
    }
    const p = topic?.partitions[item.partition]
    if (topicError !== ErrorCode.NONE) failed.set(key, { error: itemError(topicError, where) })
    else if (!p) {
      // beyond the partitions that metadata just fetched lists: a typo, not a delay
      const justFetched = stale.includes(item.topic)
      if (!justFetched) cluster.metadata.markStale(item.topic)
      failed.set(key, { error: itemError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, where), final: justFetched })
    } else if (p.leaderId < 0) failed.set(key, { error: itemError(ErrorCode.LEADER_NOT_AVAILABLE, where) })
    else leaders.set(item, { nodeId: p.leaderId, leaderEpoch: p.leaderEpoch })
  }
  return { leaders, failed }
}

/**
 * Sends partition-level items to their leaders, one request per leader in
 * parallel, and returns every item's outcome: those `byLeader` could not
 * place carry their failure.
 */
export async function atLeaders<T extends { topic: string; partition: number }, R>(
  cluster: Cluster,
  items: readonly T[],
  send: (
    nodeId: number,
    items: T[],
    leaders: Map<T, { nodeId: number; leaderEpoch: number }>,
  ) => Promise<Map<string, Outcome<R>>>,
): Promise<Map<string, Outcome<R>>> {
  const { leaders, failed } = await byLeader(cluster, items)
  const routed = await perDestination(
    items.filter((i) => leaders.has(i)),
    (i) => partitionKey(i.topic, i.partition),
    (i) => leaders.get(i)!.nodeId,
    (nodeId, list) => send(nodeId as number, list, leaders),
  )
  return new Map<string, Outcome<R>>([...failed, ...routed])
}

/** Groups partition items into Kafka's topics -> partitions request shape. */
export function groupByTopic<T extends { topic: string }, P>(
  items: readonly T[],
  toPartition: (item: T) => P,
): { name: string; partitions: P[] }[] {
  const byTopic = new Map<string, P[]>()
  for (const item of items) byTopic.set(item.topic, [...(byTopic.get(item.topic) ?? []), toPartition(item)])
  return [...byTopic].map(([name, partitions]) => ({ name, partitions }))
}
