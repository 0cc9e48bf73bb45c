/**
 * OffsetForLeaderEpoch (23), versions 0-4.
 * - The only leader epoch is 0, for the whole log: asking for epoch 0 gives
 *   the log end offset.
 * - Any other epoch was never seen: -1 / -1, as Kafka answers for an epoch
 *   newer than its latest.
 * - A client whose current leader epoch is newer than 0 gets UNKNOWN_LEADER_EPOCH.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { defineHandler } from './handler.js'

const LEADER_EPOCH = 0

export const offsetForLeaderEpochHandler = defineHandler({
  api: Apis.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  handle(body, { broker }) {
    return {
      throttleTimeMs: 0,
      topics: body.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const partition = broker.topics.partition(t.topic, p.partition)
          const answer = (errorCode: number, leaderEpoch: number, endOffset: bigint) => ({
            errorCode,
            partition: p.partition,
            leaderEpoch,
            endOffset,
          })
          if (!partition) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1n)
          if (p.currentLeaderEpoch > LEADER_EPOCH) return answer(ErrorCode.UNKNOWN_LEADER_EPOCH, -1, -1n)
          if (p.leaderEpoch !== LEADER_EPOCH) return answer(ErrorCode.NONE, -1, -1n)
          return answer(ErrorCode.NONE, LEADER_EPOCH, BigInt(partition.log.logEndOffset))
        }),
      })),
    }
  },
})
