import type { Admin } from '../../src/index.js'

/** Committed offset per partition of one topic (0 where the group has committed nothing). */
export type Committed = ReadonlyMap<number, number>

/**
 * What the broker holds as a group's committed offsets for a topic's
 * partitions, asked through the admin client (the broker's word, not what
 * the consumer believes it committed).
 */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topic: string,
  partitions: number,
): Promise<Committed> {
  const offsets = await admin.fetchOffsets(groupId, {
    partitions: Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
  })
  return new Map(offsets.map((o) => [o.partition, o.offset < 0n ? 0 : Number(o.offset)]))
}
