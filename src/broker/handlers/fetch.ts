/**
 * Fetch (1), versions 0-17. v0-3 are advertised for librdkafka's feature
 * checks but would need old message formats: every partition is answered
 * with UNSUPPORTED_VERSION.
 * - Whole batches from the one containing the fetch offset; at least one
 *   batch even when larger than the limits, then `partitionMaxBytes` per
 *   partition and `maxBytes` in total.
 * - Long poll: answers once `minBytes` are available or `maxWaitMs` has
 *   passed; an append to any requested partition re-checks at once.
 * - High watermark = last stable offset = log end (no replication, no
 *   transactions); log start offset. Outside the log: OFFSET_OUT_OF_RANGE
 *   with every offset -1, as Kafka answers (clients find the range with
 *   ListOffsets when they reset).
 * - Fetch sessions (KIP-227) are not kept: every answer has session id 0,
 *   which clients take as "send full requests"; an incremental request for a
 *   session we never created gets FETCH_SESSION_ID_NOT_FOUND.
 * - v13+ name topics by id; an unknown id gets UNKNOWN_TOPIC_ID.
 * - Only the partition's leader serves it, and v9+ check the client's
 *   current leader epoch (partition-gate.ts): FENCED_LEADER_EPOCH,
 *   UNKNOWN_LEADER_EPOCH, NOT_LEADER_OR_FOLLOWER. With those errors v12+
 *   name the current leader and epoch (KIP-951), v16+ also its address.
 * - A parked fetch is woken when a partition it reads changes leader, and so
 *   answered at once with that partition's error, as Kafka completes delayed
 *   fetches when it stops leading, rather than left to its timeout.
 */
import { ErrorCode } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { MessageOf } from '../../protocol/schema.js'
import type { BrokerContext } from '../broker-context.js'
import { PartitionWatchers } from '../fetch/partition-watchers.js'
import { defineHandler, type RequestContext } from './handler.js'
import { partitionGate } from './partition-gate.js'

type FetchRequestBody = MessageOf<typeof Apis.Fetch.request>

const NO_SESSION = 0
const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
/** Kafka's cap on how long a fetch may park, whatever the client asks. */
const MAX_WAIT_CAP_MS = 60_000

/** Kafka sends an empty record set, never a null one: librdkafka refuses a -1 size. */
const NO_RECORDS: readonly Buffer[] = []

/** Fetch v4 is the first that returns record batches (magic 2). */
const FIRST_BATCH_FORMAT_VERSION = 4

interface PartitionAnswer {
  partitionIndex: number
  errorCode: number
  highWatermark: bigint
  lastStableOffset: bigint
  logStartOffset: bigint
  abortedTransactions: never[] | null
  preferredReadReplica: number
  /** The stored batches as they are; the encoder writes them one after another, no concatenation. */
  records: readonly Buffer[]
  /** v12+ (KIP-951): the leader to go to, with NOT_LEADER_OR_FOLLOWER or FENCED_LEADER_EPOCH. */
  currentLeader?: { leaderId: number; leaderEpoch: number }
}

export const fetchHandler = defineHandler({
  api: Apis.Fetch,
  minVersion: 0,
  maxVersion: 17,
  handle(body, ctx) {
    const { broker, version } = ctx
    if (version < FIRST_BATCH_FORMAT_VERSION) return refuseOldVersion(body)
    if (body.sessionId !== NO_SESSION) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
        sessionId: NO_SESSION,
        responses: [],
      }
    }
    const first = readAll(ctx, body)
    const maxWait = Math.min(Math.max(body.maxWaitMs, 0), MAX_WAIT_CAP_MS)
    if (first.bytes >= body.minBytes || maxWait === 0 || first.hasError) return answered(ctx, first)
    return new Promise((resolve) => {
      const keys = body.topics.flatMap((t) =>
        t.partitions.map((p) => PartitionWatchers.key(topicNameOf(broker, t) ?? t.topicId, p.partition)),
      )
      const watch = broker.watchers.watch(
        keys,
        maxWait,
        () => {
          const again = readAll(ctx, body)
          if (again.bytes >= body.minBytes || again.hasError) {
            watch.cancel()
            resolve(answered(ctx, again))
          }
        },
        () => resolve(answered(ctx, readAll(ctx, body))),
      )
    })
  },
})

/** The response of a read that is sent, its record bytes counted (broker-metrics.ts). */
function answered(ctx: RequestContext, read: ReturnType<typeof readAll>) {
  ctx.broker.counters.bytesFetched += read.bytes
  return read.response
}

/** Reads every requested partition once; reports how many record bytes that found. */
function readAll(ctx: RequestContext, body: FetchRequestBody) {
  const broker = ctx.broker
  let remaining = Math.max(body.maxBytes, 0)
  let bytes = 0
  let hasError = false
  const responses = body.topics.map((t) => ({
    topic: t.topic,
    topicId: t.topicId,
    partitions: t.partitions.map((p): PartitionAnswer => {
      const name = topicNameOf(broker, t)
      const answer =
        name === undefined
          ? errorAnswer(p.partition, ErrorCode.UNKNOWN_TOPIC_ID)
          : readPartition(ctx, name, p, remaining, bytes === 0)
      if (answer.errorCode !== ErrorCode.NONE) hasError = true
      let size = 0
      for (const batch of answer.records) size += batch.length
      bytes += size
      remaining = Math.max(remaining - size, 0)
      return answer
    }),
  }))
  return {
    bytes,
    hasError,
    response: {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      sessionId: NO_SESSION,
      responses,
      nodeEndpoints: leaderEndpoints(broker, responses),
    },
  }
}

/** v16+ (KIP-951): the addresses of the leaders named in `currentLeader` hints. */
function leaderEndpoints(broker: BrokerContext, responses: { partitions: PartitionAnswer[] }[]) {
  const named = new Set<number>()
  for (const t of responses) {
    for (const p of t.partitions)
      if (p.currentLeader && p.currentLeader.leaderId >= 0) named.add(p.currentLeader.leaderId)
  }
  if (named.size === 0) return []
  return broker.cluster
    .liveNodes()
    .filter((n) => named.has(n.nodeId))
    .map((n) => ({ nodeId: n.nodeId, host: n.host, port: n.port, rack: null }))
}

function readPartition(
  ctx: RequestContext,
  topic: string,
  p: FetchRequestBody['topics'][number]['partitions'][number],
  totalRemaining: number,
  firstWithData: boolean,
): PartitionAnswer {
  const broker = ctx.broker
  const partition = broker.topics.partition(topic, p.partition)
  if (!partition) return errorAnswer(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const gate = partitionGate(ctx, topic, p.partition, p.currentLeaderEpoch)
  if (gate !== ErrorCode.NONE) {
    const answer = errorAnswer(p.partition, gate)
    if (gate === ErrorCode.NOT_LEADER_OR_FOLLOWER || gate === ErrorCode.FENCED_LEADER_EPOCH)
      answer.currentLeader = broker.cluster.leaderOf(topic, p.partition)
    return answer
  }
  const log = partition.log
  const offset = Number(p.fetchOffset)
  if (offset < log.logStartOffset || offset > log.logEndOffset)
    return errorAnswer(p.partition, ErrorCode.OFFSET_OUT_OF_RANGE)
  const answer: PartitionAnswer = {
    partitionIndex: p.partition,
    errorCode: ErrorCode.NONE,
    highWatermark: BigInt(log.logEndOffset),
    lastStableOffset: BigInt(log.logEndOffset),
    logStartOffset: BigInt(log.logStartOffset),
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: NO_RECORDS,
  }
  // the first partition with data returns at least one batch whatever the limits, so a
  // batch larger than max bytes can never block a consumer (KIP-74)
  const limit = firstWithData
    ? Math.max(Math.min(p.partitionMaxBytes, totalRemaining), 1)
    : Math.min(p.partitionMaxBytes, totalRemaining)
  if (offset < log.logEndOffset && limit > 0) {
    const batches = log.read(offset, limit)
    // the log always yields one batch; past the first partition with data, one that does
    // not fit waits for a later fetch rather than overshoot the response limit
    const fits = firstWithData || (batches.length > 0 && batches[0].length <= limit)
    if (batches.length > 0 && fits) answer.records = batches
  }
  return answer
}

function refuseOldVersion(body: FetchRequestBody) {
  const responses = body.topics.map((t) => ({
    topic: t.topic,
    topicId: t.topicId,
    partitions: t.partitions.map((p) => errorAnswer(p.partition, ErrorCode.UNSUPPORTED_VERSION)),
  }))
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: NO_SESSION, responses }
}

/** v13+ name topics by id (KIP-516); earlier versions by name. Undefined for an unknown id. */
function topicNameOf(broker: BrokerContext, t: { topic: string; topicId: string }): string | undefined {
  return t.topicId === ZERO_UUID ? t.topic : broker.topics.getById(t.topicId)?.name
}

function errorAnswer(partitionIndex: number, errorCode: number): PartitionAnswer {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: NO_RECORDS,
  }
}
