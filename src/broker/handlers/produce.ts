/**
 * Produce (0), versions 0-9. v0-2 are advertised for librdkafka's feature
 * checks but carry old message formats: every partition is answered with
 * UNSUPPORTED_VERSION.
 * - acks must be -1, 0 or 1 (INVALID_REQUIRED_ACKS); acks=0 gets no response.
 * - Each partition's single batch is checked from its header and CRC
 *   (validate-batch.ts), given offsets by rewriting its base offset and
 *   leader epoch, and stored verbatim; partitions succeed or fail alone.
 * - With `fsync: 'always'` the answer waits until the batch is on disk.
 * - Every append wakes the fetches parked on that partition.
 * - Only the partition's leader appends (partition-gate.ts): any other node of
 *   a test cluster answers NOT_LEADER_OR_FOLLOWER. Produce carries no current
 *   leader epoch to check; batches are stamped with the partition's epoch now.
 * - Transactions are not supported: a transactional produce is refused.
 * - Batches with a producer id (idempotent producers) follow Kafka's sequence
 *   rules (producers/partition-producer-state.ts): a retry of one of the
 *   producer's last five batches is answered with its original offsets and
 *   not stored again; a gap or a new epoch not starting at 0 is
 *   OUT_OF_ORDER_SEQUENCE_NUMBER, an older epoch INVALID_PRODUCER_EPOCH, a
 *   producer id with a negative sequence INVALID_RECORD.
 * - TEST ONLY: with the `faultInjection` option each stored batch is reported
 *   to the fault injector (faults/), which may then close the connection
 *   instead of answering (`closeAfterHandling` with a `when` predicate).
 */
import { ErrorCode, errorInfo } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { BrokerContext } from '../broker-context.js'
import type { AppendedBatch } from '../faults/appended-batch.js'
import { stampLogAppendTime } from '../produce/log-append-time.js'
import { validateProducedBatch } from '../produce/validate-batch.js'
import type { PartitionProducerState } from '../producers/partition-producer-state.js'
import { invalidTopicNameReason } from '../topics/topic-name.js'
import { defineHandler, type RequestContext } from './handler.js'
import { partitionGate } from './partition-gate.js'

/** Produce v3 is the first with record batches (magic 2); older ones carry message sets. */
const FIRST_BATCH_FORMAT_VERSION = 3

interface PartitionResult {
  index: number
  errorCode: number
  baseOffset: bigint
  logAppendTimeMs: bigint
  logStartOffset: bigint
  recordErrors: { batchIndex: number; batchIndexErrorMessage: string | null }[]
  errorMessage: string | null
}

export const produceHandler = defineHandler({
  api: Apis.Produce,
  minVersion: 0,
  maxVersion: 9,
  async handle(body, ctx) {
    const { broker, version } = ctx
    const acksValid = body.acks === -1 || body.acks === 0 || body.acks === 1
    let durable = false
    const onAppend = broker.options.faults?.appendListener(ctx.connection, ctx.header.correlationId)
    const responses = body.topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map((p): PartitionResult => {
        if (version < FIRST_BATCH_FORMAT_VERSION) {
          return failed(
            p.index,
            ErrorCode.UNSUPPORTED_VERSION,
            `Produce v${version} carries a message format this broker does not store`,
          )
        }
        if (!acksValid)
          return failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS, `Invalid required acks ${body.acks}`)
        if (body.transactionalId !== null) {
          return failed(
            p.index,
            ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
            'Transactions are not supported by this broker',
          )
        }
        const result = appendToPartition(ctx, topic.name, p.index, p.records, onAppend)
        if (result.errorCode === ErrorCode.NONE) durable = true
        else broker.counters.failedProducePartitions++
        return result
      }),
    }))
    if (durable && broker.options.fsync === 'always' && broker.options.dataDir) {
      const failures = await flushTouched(broker, body.topicData)
      for (const t of responses) {
        for (const p of t.partitionResponses) {
          const err = failures.get(`${t.name}\u0000${p.index}`)
          if (err && p.errorCode === ErrorCode.NONE)
            Object.assign(p, failed(p.index, ErrorCode.KAFKA_STORAGE_ERROR, err))
        }
      }
    }
    if (body.acks === 0) return null
    return { responses, throttleTimeMs: 0 }
  },
})

function failed(index: number, errorCode: number, errorMessage: string): PartitionResult {
  return {
    index,
    errorCode,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors: [],
    errorMessage,
  }
}

function appendToPartition(
  ctx: RequestContext,
  topicName: string,
  index: number,
  records: Buffer | null,
  onAppend: ((batch: AppendedBatch) => void) | undefined,
): PartitionResult {
  const broker = ctx.broker
  const topic = broker.topics.get(topicName)
  if (!topic) {
    const invalid = invalidTopicNameReason(topicName)
    if (invalid) return failed(index, ErrorCode.INVALID_TOPIC_EXCEPTION, invalid)
    return failed(
      index,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      `This server does not host ${topicName}-${index}`,
    )
  }
  const partition = topic.partitions[index]
  if (!partition)
    return failed(
      index,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      `This server does not host ${topicName}-${index}`,
    )
  // Produce has no current leader epoch field: only leadership is checked
  const gate = partitionGate(ctx, topicName, index, -1)
  if (gate !== ErrorCode.NONE) return failed(index, gate, errorInfo(gate)?.message ?? `error ${gate}`)

  const check = validateProducedBatch(records, topic.config.number('max.message.bytes'))
  if (!check.ok) {
    broker.logger.debug(`produce to ${topicName}-${index} refused: ${check.message}`)
    return failed(index, check.errorCode, check.message)
  }
  const { header } = check
  let producers: PartitionProducerState | undefined
  if (header.producerId >= 0n) {
    if (header.baseSequence < 0) {
      return failed(
        index,
        ErrorCode.INVALID_RECORD,
        `Invalid sequence number ${header.baseSequence} in a batch of producer ${header.producerId}`,
      )
    }
    try {
      producers = broker.producerStates.forLog(partition.log)
    } catch (err) {
      broker.logger.error(`reading producer state of ${topicName}-${index} failed: ${(err as Error).message}`)
      return failed(index, ErrorCode.KAFKA_STORAGE_ERROR, (err as Error).message)
    }
    const verdict = producers.check(header, broker.clock.now())
    if (verdict.kind === 'reject') return failed(index, verdict.errorCode, verdict.message)
    if (verdict.kind === 'duplicate') {
      const appendTime = topic.config.get('message.timestamp.type') === 'LogAppendTime'
      return {
        index,
        errorCode: ErrorCode.NONE,
        baseOffset: BigInt(verdict.original.baseOffset),
        logAppendTimeMs: BigInt(appendTime ? verdict.original.maxTimestamp : -1),
        logStartOffset: BigInt(partition.log.logStartOffset),
        recordErrors: [],
        errorMessage: null,
      }
    }
  }
  const batch = records as Buffer
  let logAppendTimeMs = -1
  let maxTimestamp = check.header.maxTimestamp
  if (topic.config.get('message.timestamp.type') === 'LogAppendTime') {
    logAppendTimeMs = broker.clock.now()
    maxTimestamp = logAppendTimeMs
    stampLogAppendTime(batch, logAppendTimeMs)
  }
  const log = partition.log
  let baseOffset: number
  try {
    // the log rewrites the base offset and leader epoch (outside the CRC) and stores the bytes as they are
    baseOffset = log.append(batch, {
      offsetCount: check.header.lastOffsetDelta + 1,
      maxTimestamp,
      leaderEpoch: broker.cluster.leaderOf(topicName, index).leaderEpoch,
    })
  } catch (err) {
    broker.logger.error(`append to ${topicName}-${index} failed: ${(err as Error).message}`)
    return failed(index, ErrorCode.KAFKA_STORAGE_ERROR, (err as Error).message)
  }
  producers?.recordAppend(header, baseOffset, maxTimestamp, broker.clock.now())
  const counters = broker.counters
  counters.recordsAppended += header.recordCount
  counters.batchesAppended++
  counters.bytesAppended += batch.length
  broker.watchers.notify(partition.watchKey)
  onAppend?.({
    topic: topicName,
    partition: index,
    baseOffset,
    recordCount: header.recordCount,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
  })
  return {
    index,
    errorCode: ErrorCode.NONE,
    baseOffset: BigInt(baseOffset),
    logAppendTimeMs: BigInt(logAppendTimeMs),
    logStartOffset: BigInt(log.logStartOffset),
    recordErrors: [],
    errorMessage: null,
  }
}

/** Waits until every partition written to is on disk; returns the ones whose fsync failed. */
async function flushTouched(
  broker: BrokerContext,
  topicData: readonly { name: string; partitionData: readonly { index: number }[] }[],
): Promise<Map<string, string>> {
  const failures = new Map<string, string>()
  const flushes = topicData.flatMap((t) =>
    t.partitionData.map(async (p) => {
      try {
        await broker.topics.partition(t.name, p.index)?.log.flush()
      } catch (err) {
        failures.set(`${t.name}\u0000${p.index}`, (err as Error).message)
      }
    }),
  )
  await Promise.all(flushes)
  return failures
}
