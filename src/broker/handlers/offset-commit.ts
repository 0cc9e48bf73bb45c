/**
 * OffsetCommit (8), versions 0-8. Validation of the committer and storage
 * are in groups/group-coordinator.ts.
 * - v0 has no generation or member id: it commits as a consumer outside
 *   group management (generation -1), like v1+ with -1 and an empty id.
 * - A partition the broker does not have gets UNKNOWN_TOPIC_OR_PARTITION;
 *   metadata longer than `offsetMetadataMaxBytes` OFFSET_METADATA_TOO_LARGE.
 * - The leader epoch (v6+) and the metadata string are stored with the
 *   offset. v1's commit timestamp and v2-4's retention time are accepted and
 *   ignored: the broker stamps commits itself and keeps offsets until the
 *   group is deleted.
 * - With a data directory the commit is in the group log before the answer
 *   (on disk first with `fsync: 'always'`).
 * - Only the group's coordinator serves it (coordinator-gate.ts); any other
 *   node of a test cluster answers NOT_COORDINATOR for every partition.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { OffsetToCommit } from '../groups/coordinator-requests.js'
import { coordinatorGate } from './coordinator-gate.js'
import { defineHandler } from './handler.js'

export const offsetCommitHandler = defineHandler({
  api: Apis.OffsetCommit,
  minVersion: 0,
  maxVersion: 8,
  async handle(body, ctx) {
    const { broker, version } = ctx
    const gate = coordinatorGate(ctx, body.groupId)
    const results = body.topics.map((t) => t.partitions.map(() => gate as number))
    const toCommit: OffsetToCommit[] = []
    const positions: [number, number][] = []
    body.topics.forEach((t, ti) => {
      t.partitions.forEach((p, pi) => {
        if (gate !== ErrorCode.NONE) return
        if (!broker.topics.partition(t.name, p.partitionIndex)) {
          results[ti][pi] = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
          return
        }
        toCommit.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: version >= 6 ? p.committedLeaderEpoch : -1,
          metadata: p.committedMetadata,
        })
        positions.push([ti, pi])
      })
    })
    if (toCommit.length > 0) {
      const codes = await broker.groups.commitOffsets({
        groupId: body.groupId,
        generationId: version >= 1 ? body.generationId : -1,
        memberId: version >= 1 ? body.memberId : '',
        groupInstanceId: version >= 7 ? body.groupInstanceId : null,
        offsets: toCommit,
      })
      codes.forEach((code, i) => {
        const [ti, pi] = positions[i]
        results[ti][pi] = code
      })
    }
    return {
      throttleTimeMs: 0,
      topics: body.topics.map((t, ti) => ({
        name: t.name,
        partitions: t.partitions.map((p, pi) => ({
          partitionIndex: p.partitionIndex,
          errorCode: results[ti][pi],
        })),
      })),
    }
  },
})
