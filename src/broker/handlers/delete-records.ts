/**
 * DeleteRecords (21), versions 0-2.
 * - Moves a partition's log start offset forward to `offset` (-1 means the
 *   high watermark); records below it are no longer served and whole
 *   segments below it are dropped.
 * - An offset past the high watermark is OFFSET_OUT_OF_RANGE; one below the
 *   current start changes nothing. The answer carries the new low watermark.
 * - Only the partition's leader deletes (partition-gate.ts); any other node
 *   of a test cluster answers NOT_LEADER_OR_FOLLOWER.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { defineHandler } from './handler.js'
import { partitionGate } from './partition-gate.js'

export const deleteRecordsHandler = defineHandler({
  api: Apis.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  handle(body, ctx) {
    const broker = ctx.broker
    return {
      throttleTimeMs: 0,
      topics: body.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const partition = broker.topics.partition(t.name, p.partitionIndex)
          if (!partition)
            return {
              partitionIndex: p.partitionIndex,
              lowWatermark: -1n,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            }
          const gate = partitionGate(ctx, t.name, p.partitionIndex, -1)
          if (gate !== ErrorCode.NONE)
            return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: gate }
          const log = partition.log
          const target = p.offset === -1n ? log.logEndOffset : Number(p.offset)
          if (target < -1 || target > log.logEndOffset) {
            return {
              partitionIndex: p.partitionIndex,
              lowWatermark: -1n,
              errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
            }
          }
          if (target > log.logStartOffset) {
            log.deleteRecordsBefore(target)
            broker.watchers.notify(partition.watchKey)
          }
          return {
            partitionIndex: p.partitionIndex,
            lowWatermark: BigInt(log.logStartOffset),
            errorCode: ErrorCode.NONE,
          }
        }),
      })),
    }
  },
})
