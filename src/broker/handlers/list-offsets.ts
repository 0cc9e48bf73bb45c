/**
 * ListOffsets (2), versions 0-7. v0 (the pre-0.10 offsets list) is
 * advertised for librdkafka's feature checks and answered with
 * UNSUPPORTED_VERSION for every partition.
 * - -2 earliest: the log start offset; -1 latest: the log end offset (the
 *   high watermark and, without transactions, the last stable offset).
 * - -3 (v7+) max timestamp: the record with the greatest timestamp.
 * - A timestamp: the first record whose timestamp is at or after it, found
 *   by decoding the one batch the time index points at, as Kafka does;
 *   offset -1 and timestamp -1 when there is none.
 * - Only the leader answers, after checking the v4+ current leader epoch
 *   (partition-gate.ts). The epoch returned with an offset is Kafka's: the
 *   current one for latest, the one the log start was written under for
 *   earliest, the found batch's own for a timestamp or max timestamp.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { readBatchHeader } from '../../protocol/records/batch-header.js'
import { decodeRecordBatch } from '../../protocol/records/index.js'
import type { LeaderEpochLookup } from '../cluster/leader-epoch-history.js'
import type { PartitionLog } from '../log/partition-log.js'
import { defineHandler } from './handler.js'
import { partitionGate } from './partition-gate.js'

const LATEST = -1n
const EARLIEST = -2n
const MAX_TIMESTAMP = -3n

interface Found {
  errorCode: number
  timestamp: bigint
  offset: bigint
  leaderEpoch: number
}

export const listOffsetsHandler = defineHandler({
  api: Apis.ListOffsets,
  minVersion: 0,
  maxVersion: 7,
  handle(body, ctx) {
    const { broker, version } = ctx
    return {
      throttleTimeMs: 0,
      topics: body.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const partition = broker.topics.partition(t.name, p.partitionIndex)
          let found: Found
          if (version === 0) found = failure(ErrorCode.UNSUPPORTED_VERSION)
          else if (!partition) found = failure(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
          else {
            const gate = partitionGate(ctx, t.name, p.partitionIndex, p.currentLeaderEpoch)
            if (gate !== ErrorCode.NONE) found = failure(gate)
            else if (p.timestamp === MAX_TIMESTAMP && version < 7)
              found = failure(ErrorCode.UNSUPPORTED_VERSION)
            else {
              const epochs = {
                current: broker.cluster.leaderOf(t.name, p.partitionIndex).leaderEpoch,
                history: () => broker.cluster.epochHistory(t.name, p.partitionIndex),
              }
              found = lookUp(partition.log, p.timestamp, epochs)
            }
          }
          return { partitionIndex: p.partitionIndex, ...found }
        }),
      })),
    }
  },
})

function failure(errorCode: number): Found {
  return { errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1 }
}

interface Epochs {
  current: number
  /** Built from the log on first use, so looked up only when earliest is asked for. */
  history: () => LeaderEpochLookup | undefined
}

function lookUp(log: PartitionLog, timestamp: bigint, epochs: Epochs): Found {
  if (timestamp === EARLIEST) {
    const start = log.logStartOffset
    const leaderEpoch = epochs.history()?.epochForOffset(start, start) ?? -1
    return { errorCode: ErrorCode.NONE, timestamp: -1n, offset: BigInt(start), leaderEpoch }
  }
  if (timestamp === LATEST)
    return {
      errorCode: ErrorCode.NONE,
      timestamp: -1n,
      offset: BigInt(log.logEndOffset),
      leaderEpoch: epochs.current,
    }
  if (timestamp === MAX_TIMESTAMP) return recordWithMaxTimestamp(log)
  if (timestamp < 0n) return failure(ErrorCode.INVALID_REQUEST)
  return firstRecordAtOrAfter(log, Number(timestamp))
}

const NOT_FOUND: Found = { errorCode: ErrorCode.NONE, timestamp: -1n, offset: -1n, leaderEpoch: -1 }

function firstRecordAtOrAfter(log: PartitionLog, timestamp: number): Found {
  const batch = log.batchForTimestamp(timestamp)
  if (!batch) return NOT_FOUND
  for (const record of decodeRecordBatch(batch).records) {
    if (record.offset >= log.logStartOffset && record.timestamp >= timestamp) {
      return {
        errorCode: ErrorCode.NONE,
        timestamp: BigInt(record.timestamp),
        offset: BigInt(record.offset),
        leaderEpoch: readBatchHeader(batch).partitionLeaderEpoch,
      }
    }
  }
  return NOT_FOUND
}

function recordWithMaxTimestamp(log: PartitionLog): Found {
  const batch = log.batchWithMaxTimestamp()
  if (!batch) return NOT_FOUND
  let best: { offset: number; timestamp: number } | null = null
  for (const record of decodeRecordBatch(batch).records) {
    if (record.offset < log.logStartOffset) continue
    if (best === null || record.timestamp > best.timestamp) best = record
  }
  return best
    ? {
        errorCode: ErrorCode.NONE,
        timestamp: BigInt(best.timestamp),
        offset: BigInt(best.offset),
        leaderEpoch: readBatchHeader(batch).partitionLeaderEpoch,
      }
    : NOT_FOUND
}
