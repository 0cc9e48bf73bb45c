/**
 * OffsetForLeaderEpoch (23), versions 0-4. Consumers (librdkafka, Java)
 * send it after a leader change to check that their position still exists.
 * - Only the leader answers, after checking the v2+ current leader epoch
 *   (partition-gate.ts).
 * - The answer comes from the partition's epoch history
 *   (cluster/leader-epoch-history.ts), as Kafka's leader-epoch cache gives
 *   it: the current epoch ends at the log end; an older one at the start of
 *   the next epoch, with the largest epoch not after the one asked for; one
 *   older than every epoch still held ends where the first held one starts;
 *   one newer than the current, or -1, gets -1 / -1.
 * - A lone broker has only epoch 0, from the start of its log.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { defineHandler } from './handler.js'
import { partitionGate } from './partition-gate.js'

export const offsetForLeaderEpochHandler = defineHandler({
  api: Apis.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  handle(body, ctx) {
    const broker = ctx.broker
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
          const gate = partitionGate(ctx, t.topic, p.partition, p.currentLeaderEpoch)
          if (gate !== ErrorCode.NONE) return answer(gate, -1, -1n)
          const log = partition.log
          try {
            // the first question about a partition rebuilds its history from the batch headers
            const history = broker.cluster.epochHistory(t.topic, p.partition)
            if (!history) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1n)
            const found = history.endOffsetFor(p.leaderEpoch, log.logStartOffset, log.logEndOffset)
            return answer(ErrorCode.NONE, found.leaderEpoch, BigInt(found.endOffset))
          } catch (err) {
            broker.logger.error(
              `reading epochs of ${t.topic}-${p.partition} failed: ${(err as Error).message}`,
            )
            return answer(ErrorCode.KAFKA_STORAGE_ERROR, -1, -1n)
          }
        }),
      })),
    }
  },
})
