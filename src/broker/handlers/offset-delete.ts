/**
 * OffsetDelete (47), version 0.
 * - Deletes a group's committed offsets for the partitions named, by Kafka's
 *   rules for classic groups (GroupCoordinator.deleteOffsets): unknown group
 *   GROUP_ID_NOT_FOUND; a group with members NON_EMPTY_GROUP unless it uses
 *   the consumer protocol, whose subscribed topics' partitions are each
 *   GROUP_SUBSCRIBED_TO_TOPIC while the rest are deleted.
 * - A partition of an unknown topic, or past its partition count, is
 *   UNKNOWN_TOPIC_OR_PARTITION; as Kafka does, those come first in the
 *   answer, and only when the group itself has no error. A known partition
 *   with nothing committed answers NONE.
 * - The deletion is written to the group log (data directory) before the
 *   answer, so it survives a restart.
 * - Only the group's coordinator serves it (coordinator-gate.ts).
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { coordinatorGate } from './coordinator-gate.js'
import { defineHandler } from './handler.js'

interface AnsweredTopic {
  name: string
  partitions: { partitionIndex: number; errorCode: number }[]
}

export const offsetDeleteHandler = defineHandler({
  api: Apis.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(body, ctx) {
    const gate = coordinatorGate(ctx, body.groupId)
    if (gate !== ErrorCode.NONE) return { errorCode: gate, throttleTimeMs: 0, topics: [] }
    const unknown = new Map<string, AnsweredTopic>()
    const known: { name: string; partitions: number[] }[] = []
    for (const t of body.topics) {
      const indexes = t.partitions.map((p) => p.partitionIndex)
      const exists = (i: number) => ctx.broker.topics.partition(t.name, i) !== undefined
      const missing = indexes.filter((i) => !exists(i))
      if (missing.length > 0) {
        const entry = answeredTopic(unknown, t.name)
        for (const i of missing)
          entry.partitions.push({ partitionIndex: i, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })
      }
      const present = indexes.filter(exists)
      if (present.length > 0) known.push({ name: t.name, partitions: present })
    }
    const deleted = await ctx.broker.groups.deleteOffsets(body.groupId, known)
    if (deleted.errorCode !== ErrorCode.NONE)
      return { errorCode: deleted.errorCode, throttleTimeMs: 0, topics: [] }
    const topics = new Map(unknown)
    for (const t of deleted.topics) {
      const entry = answeredTopic(topics, t.name)
      for (const p of t.partitions)
        entry.partitions.push({ partitionIndex: p.partition, errorCode: p.errorCode })
    }
    return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics: [...topics.values()] }
  },
})

/** The answer's entry for a topic, so that one topic is listed once whatever its partitions' fates. */
function answeredTopic(topics: Map<string, AnsweredTopic>, name: string): AnsweredTopic {
  let entry = topics.get(name)
  if (!entry) {
    entry = { name, partitions: [] }
    topics.set(name, entry)
  }
  return entry
}
