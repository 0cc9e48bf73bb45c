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
 * - Leader epoch 0; a client claiming a newer one gets UNKNOWN_LEADER_EPOCH.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { decodeRecordBatch } from '../../protocol/records/index.js'
import type { PartitionLog } from '../log/partition-log.js'
import { defineHandler } from './handler.js'

const LATEST = -1n
const EARLIEST = -2n
const MAX_TIMESTAMP = -3n
const LEADER_EPOCH = 0

interface Found {
  errorCode: number
  timestamp: bigint
  offset: bigint
}

export const listOffsetsHandler = defineHandler({
  api: Apis.ListOffsets,
  minVersion: 0,
  maxVersion: 7,
  handle(body, { broker, version }) {
    return {
      throttleTimeMs: 0,
      topics: body.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const partition = broker.topics.partition(t.name, p.partitionIndex)
          let found: Found
          if (version === 0) found = failure(ErrorCode.UNSUPPORTED_VERSION)
          else if (!partition) found = failure(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
          else if (p.currentLeaderEpoch > LEADER_EPOCH) found = failure(ErrorCode.UNKNOWN_LEADER_EPOCH)
          else if (p.timestamp === MAX_TIMESTAMP && version < 7)
            found = failure(ErrorCode.UNSUPPORTED_VERSION)
          else found = lookUp(partition.log, p.timestamp)
          return {
            partitionIndex: p.partitionIndex,
            ...found,
            leaderEpoch: found.errorCode === ErrorCode.NONE ? LEADER_EPOCH : -1,
          }
        }),
      })),
    }
  },
})

function failure(errorCode: number): Found {
  return { errorCode, timestamp: -1n, offset: -1n }
}

function lookUp(log: PartitionLog, timestamp: bigint): Found {
  if (timestamp === EARLIEST)
    return { errorCode: ErrorCode.NONE, timestamp: -1n, offset: BigInt(log.logStartOffset) }
  if (timestamp === LATEST)
    return { errorCode: ErrorCode.NONE, timestamp: -1n, offset: BigInt(log.logEndOffset) }
  if (timestamp === MAX_TIMESTAMP) return recordWithMaxTimestamp(log)
  if (timestamp < 0n) return failure(ErrorCode.INVALID_REQUEST)
  return firstRecordAtOrAfter(log, Number(timestamp))
}

const NOT_FOUND: Found = { errorCode: ErrorCode.NONE, timestamp: -1n, offset: -1n }

function firstRecordAtOrAfter(log: PartitionLog, timestamp: number): Found {
  const batch = log.batchForTimestamp(timestamp)
  if (!batch) return NOT_FOUND
  for (const record of decodeRecordBatch(batch).records) {
    if (record.offset >= log.logStartOffset && record.timestamp >= timestamp) {
      return { errorCode: ErrorCode.NONE, timestamp: BigInt(record.timestamp), offset: BigInt(record.offset) }
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
    ? { errorCode: ErrorCode.NONE, timestamp: BigInt(best.timestamp), offset: BigInt(best.offset) }
    : NOT_FOUND
}
