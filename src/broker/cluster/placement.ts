/**
 * Where a test cluster puts things, deterministically, so that a test can
 * predict it and a restart puts everything back in the same place.
 *
 * Every partition is replicated on every node (the nodes share one store), so
 * placement is only the order of the replica list: its first entry is the
 * preferred leader, and failover takes the next live one, as Kafka does.
 */

/** Partitions of Kafka's `__consumer_offsets` (`offsets.topic.num.partitions`), which spread the groups. */
export const OFFSETS_TOPIC_PARTITIONS = 50

/** Name under which the simulated `__consumer_offsets` partitions are placed; no such topic exists. */
export const OFFSETS_TOPIC = '__consumer_offsets'

/** Java's `String.hashCode`: over UTF-16 code units, in 32-bit arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

/** Kafka's `Utils.abs`: clears the sign bit, so even Integer.MIN_VALUE maps to a valid index. */
function kafkaAbs(n: number): number {
  return n & 0x7fff_ffff
}

/** The `__consumer_offsets` partition that holds a group, hence its coordinator: Kafka's own formula. */
export function offsetsPartitionFor(groupId: string): number {
  return kafkaAbs(javaStringHashCode(groupId)) % OFFSETS_TOPIC_PARTITIONS
}

/**
 * The replicas of a partition, preferred leader first: every node, rotated to
 * start at an offset derived from the topic name plus the partition index, so
 * a topic's partitions go round robin over the nodes and different topics
 * start on different nodes (Kafka starts at a random node instead).
 */
export function replicaOrder(nodeIds: readonly number[], topic: string, partition: number): number[] {
  const n = nodeIds.length
  const start = (kafkaAbs(javaStringHashCode(topic)) + partition) % n
  const order: number[] = []
  for (let i = 0; i < n; i++) order.push(nodeIds[(start + i) % n])
  return order
}
