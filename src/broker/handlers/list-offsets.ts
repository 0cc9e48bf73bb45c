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
 * - A partition named more than once gets one answer, INVALID_REQUEST, and
 *   a topic named more than once one entry, as Kafka answers: its broker
 *   keys the answers by partition, so there is only one to give.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import { readBatchHeader } from '../../protocol/records/batch-header.js'
import { decodeRecordBatch } from '../../protocol/records/index.js'
import type { MessageOf } from '../../protocol/schema.js'
import type { LeaderEpochLookup } from '../cluster/leader-epoch-history.js'
import type { PartitionLog } from '../log/partition-log.js'
import { defineHandler, type RequestContext } from './handler.js'
import { partitionGate } from './partition-gate.js'

type ListOffsetsRequest = MessageOf<typeof Apis.ListOffsets.request>

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
    const duplicates = duplicatePartitions(body.topics)
    // topic name -> partition index -> answer, in the order first asked for
    const answers = new Map<string, Map<number, Found>>()
    for (const t of body.topics) {
      const partitions = getOrAdd(answers, t.name, () => new Map<number, Found>())
      for (const p of t.partitions) {
        if (duplicates.get(t.name)?.has(p.partitionIndex)) {
          partitions.set(p.partitionIndex, failure(ErrorCode.INVALID_REQUEST))
          continue
        }
        partitions.set(p.partitionIndex, answerPartition(ctx, t.name, p))
      }
    }
    return {
      throttleTimeMs: 0,
      topics: [...answers].map(([name, partitions]) => ({
        name,
        partitions: [...partitions].map(([partitionIndex, found]) => ({ partitionIndex, ...found })),
      })),
    }
  },
})

type PartitionRequest = ListOffsetsRequest['topics'][number]['partitions'][number]

function answerPartition(ctx: RequestContext, topic: string, p: PartitionRequest): Found {
  const { broker, version } = ctx
  if (version === 0) return failure(ErrorCode.UNSUPPORTED_VERSION)
  const partition = broker.topics.partition(topic, p.partitionIndex)
  if (!partition) return failure(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const gate = partitionGate(ctx, topic, p.partitionIndex, p.currentLeaderEpoch)
  if (gate !== ErrorCode.NONE) return failure(gate)
  if (p.timestamp === MAX_TIMESTAMP && version < 7) return failure(ErrorCode.UNSUPPORTED_VERSION)
  const epochs = {
    current: broker.cluster.leaderOf(topic, p.partitionIndex).leaderEpoch,
    history: () => broker.cluster.epochHistory(topic, p.partitionIndex),
  }
  return lookUp(partition.log, p.timestamp, epochs)
}

/** The partitions named more than once anywhere in the request, by topic. */
function duplicatePartitions(
  topics: readonly { name: string; partitions: readonly { partitionIndex: number }[] }[],
): Map<string, Set<number>> {
  const seen = new Map<string, Set<number>>()
  const twice = new Map<string, Set<number>>()
  for (const t of topics) {
    const named = getOrAdd(seen, t.name, () => new Set<number>())
    for (const { partitionIndex } of t.partitions) {
      if (named.has(partitionIndex)) getOrAdd(twice, t.name, () => new Set<number>()).add(partitionIndex)
      else named.add(partitionIndex)
    }
  }
  return twice
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key)
  if (value === undefined) {
    value = make()
    map.set(key, value)
  }
  return value
}

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
