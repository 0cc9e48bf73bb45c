/**
 * OffsetFetch (9), versions 0-8.
 * - A partition without a commit answers offset -1, leader epoch -1 and
 *   empty metadata, with no error.
 * - v2+ may send a null topic list: every partition the group has committed.
 * - Group-level errors (coordinator loading or stopped) go in the top-level
 *   error from v2, in each requested partition before (v0-1 have no other
 *   place), and per group in v8, which fetches for several groups at once.
 * - v0 (ZooKeeper-era offsets in Kafka) is served like v1 from the same store.
 * - requireStable (v7+): no transactions exist here, so no commit is ever
 *   pending and the committed offsets are always stable.
 * - Only the group's coordinator serves it (coordinator-gate.ts); any other
 *   node of a test cluster answers NOT_COORDINATOR, placed as the
 *   group-level errors above.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { FetchedOffsets } from '../groups/coordinator-requests.js'
import { coordinatorGate } from './coordinator-gate.js'
import { defineHandler } from './handler.js'

const GROUP_ERROR_VERSION = 2
const MULTI_GROUP_VERSION = 8

type RequestedTopics = readonly { name: string; partitionIndexes: readonly number[] }[] | null

export const offsetFetchHandler = defineHandler({
  api: Apis.OffsetFetch,
  minVersion: 0,
  maxVersion: 8,
  handle(body, ctx) {
    const { broker, version } = ctx
    const fetch = (groupId: string, topics: RequestedTopics): FetchedOffsets => {
      const gate = coordinatorGate(ctx, groupId)
      if (gate !== ErrorCode.NONE) return { errorCode: gate, topics: [] }
      return broker.groups.fetchOffsets(
        groupId,
        topics === null ? null : topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes })),
      )
    }
    if (version >= MULTI_GROUP_VERSION) {
      return {
        throttleTimeMs: 0,
        groupIds: body.groups.map((g) => {
          const fetched = fetch(g.groupId, g.topics)
          return { groupId: g.groupId, topics: responseTopics(fetched), errorCode: fetched.errorCode }
        }),
      }
    }
    // v0-1 cannot send null, and have no group-level error: each requested partition carries it
    const fetched = fetch(body.groupId, body.topics)
    if (version < GROUP_ERROR_VERSION && fetched.errorCode !== ErrorCode.NONE) {
      return {
        throttleTimeMs: 0,
        topics: (body.topics ?? []).map((t) => ({
          name: t.name,
          partitions: t.partitionIndexes.map((partitionIndex) => ({
            partitionIndex,
            committedOffset: -1n,
            committedLeaderEpoch: -1,
            metadata: '',
            errorCode: fetched.errorCode,
          })),
        })),
        errorCode: fetched.errorCode,
      }
    }
    return { throttleTimeMs: 0, topics: responseTopics(fetched), errorCode: fetched.errorCode }
  },
})

function responseTopics(fetched: FetchedOffsets) {
  return fetched.topics.map((t) => ({
    name: t.topic,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partition,
      committedOffset: p.offset,
      committedLeaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
      errorCode: p.errorCode,
    })),
  }))
}
