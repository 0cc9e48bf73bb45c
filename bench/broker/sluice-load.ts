import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { encodeRecordBatch, iterateBatches, type RecordInput } from '../../src/protocol/records/index.js'
import { WireClient } from '../../test/broker/support/wire-client.js'
import { valueText } from './workload.js'

/**
 * The Sluice load: Sluice's own protocol layer driving the broker without
 * the client's machinery (no accumulator, no retries, no flow control), so
 * the broker is what limits the rate. Produce requests are encoded while the
 * load runs, as a producer would, and several are in flight on each
 * connection; fetches run in a loop on one connection, one request at a
 * time, as a consumer's fetcher does.
 */

export interface SluiceProduceOptions {
  records: number
  partitions: number
  /** Records per batch; each request carries one batch per partition. */
  batchRecords: number
  connections: number
  inFlightPerConnection: number
}

/** Offsets the broker gave one batch. */
export interface ProducedRange {
  partition: number
  baseOffset: number
  count: number
}

export interface SluiceProduceResult {
  seconds: number
  /** CPU this process (the load generator) used meanwhile. */
  cpuSeconds: number
  requests: number
  ranges: ProducedRange[]
}

/** Produce v9 with acks=1: answered once the batch is in the leader's log (for fsync=always, on disk). */
function cpuSecondsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1e6
}

const PRODUCE_VERSION = 9
const ACKS_LEADER = 1

export async function sluiceProduce(
  bootstrap: string,
  topic: string,
  options: SluiceProduceOptions,
): Promise<SluiceProduceResult> {
  const { records, partitions, batchRecords, connections, inFlightPerConnection } = options
  const perRequest = batchRecords * partitions
  const requestCount = Math.ceil(records / perRequest)
  // one request's worth of distinct values, reused: allocating a million buffers would load the generator, not the broker
  const pool: RecordInput[] = Array.from({ length: perRequest }, (_, i) => ({
    value: Buffer.from(valueText(i)),
  }))
  const clients = await Promise.all(Array.from({ length: connections }, () => WireClient.connect(bootstrap)))
  const ranges: ProducedRange[] = []
  let next = 0

  const sendOne = async (client: WireClient, request: number) => {
    const start = request * perRequest
    const partitionData: { index: number; records: Buffer }[] = []
    const counts: number[] = []
    for (let p = 0; p < partitions; p++) {
      const from = start + p * batchRecords
      const count = Math.min(batchRecords, records - from)
      if (count <= 0) break
      partitionData.push({
        index: p,
        records: encodeRecordBatch(pool.slice(p * batchRecords, p * batchRecords + count)),
      })
      counts.push(count)
    }
    const response = await client.send(Apis.Produce, PRODUCE_VERSION, {
      acks: ACKS_LEADER,
      timeoutMs: 30_000,
      topicData: [{ name: topic, partitionData }],
    })
    const answers = response.responses[0]?.partitionResponses ?? []
    if (answers.length !== partitionData.length) {
      throw new Error(`produce answered ${answers.length} partitions of ${partitionData.length}`)
    }
    for (const answer of answers) {
      if (answer.errorCode !== ErrorCode.NONE) {
        throw new Error(
          `produce to partition ${answer.index} failed: error ${answer.errorCode} ${answer.errorMessage}`,
        )
      }
      ranges.push({
        partition: answer.index,
        baseOffset: Number(answer.baseOffset),
        count: counts[answer.index],
      })
    }
  }

  const worker = async (client: WireClient) => {
    while (next < requestCount) await sendOne(client, next++)
  }

  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  try {
    await Promise.all(
      clients.flatMap((client) => Array.from({ length: inFlightPerConnection }, () => worker(client))),
    )
  } finally {
    await Promise.all(clients.map((c) => c.close()))
  }
  return {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSecondsSince(cpuBefore),
    requests: requestCount,
    ranges,
  }
}

export interface SluiceFetchOptions {
  /** Fetch maxBytes: the response's total budget. */
  maxBytes: number
  partitionMaxBytes: number
}

export interface FetchedPartition {
  records: number
  /** Offset after the last record read. */
  nextOffset: number
  /** The last complete batch read, for a full decode after timing. */
  lastBatch: Buffer | null
}

export interface SluiceFetchResult {
  seconds: number
  /** CPU this process (the load generator) used meanwhile. */
  cpuSeconds: number
  requests: number
  /** Bytes of record batches received. */
  bytes: number
  partitions: FetchedPartition[]
}

const FETCH_VERSION = 12

/**
 * Reads every partition from offset 0 up to `ends`. Each batch's header is
 * read (record count, offsets) but its records are not decoded: the figure is
 * the broker's, not a decoder's. A batch that does not start where the last
 * one ended is an error.
 */
export async function sluiceFetch(
  bootstrap: string,
  topic: string,
  ends: readonly number[],
  options: SluiceFetchOptions,
): Promise<SluiceFetchResult> {
  const partitions: FetchedPartition[] = ends.map(() => ({
    records: 0,
    nextOffset: 0,
    lastBatch: null,
  }))
  const client = await WireClient.connect(bootstrap)
  let requests = 0
  let bytes = 0
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  try {
    for (;;) {
      const wanted = partitions.flatMap((p, i) => (p.nextOffset < ends[i] ? [i] : []))
      if (wanted.length === 0) break
      const response = await client.send(Apis.Fetch, FETCH_VERSION, {
        replicaId: -1,
        maxWaitMs: 500,
        minBytes: 1,
        maxBytes: options.maxBytes,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            partitions: wanted.map((i) => ({
              partition: i,
              fetchOffset: BigInt(partitions[i].nextOffset),
              partitionMaxBytes: options.partitionMaxBytes,
            })),
          },
        ],
      })
      requests++
      const before = partitions.reduce((sum, p) => sum + p.nextOffset, 0)
      if (response.errorCode !== ErrorCode.NONE) throw new Error(`fetch failed: error ${response.errorCode}`)
      for (const answer of response.responses[0]?.partitions ?? []) {
        if (answer.errorCode !== ErrorCode.NONE) {
          throw new Error(`fetch of partition ${answer.partitionIndex} failed: error ${answer.errorCode}`)
        }
        const seen = partitions[answer.partitionIndex]
        const blob = answer.records
        if (!blob || blob.length === 0) continue
        bytes += blob.length
        for (const span of iterateBatches(blob)) {
          const { baseOffset, lastOffsetDelta, recordCount } = span.header
          if (Number(baseOffset) !== seen.nextOffset) {
            throw new Error(
              `partition ${answer.partitionIndex}: batch at offset ${baseOffset}, expected ${seen.nextOffset}`,
            )
          }
          seen.records += recordCount
          seen.nextOffset = Number(baseOffset) + lastOffsetDelta + 1
          seen.lastBatch = blob.subarray(span.offset, span.offset + span.size)
        }
      }
      // the data is all there, so an answer that moves no partition forward means the loop would spin
      if (partitions.reduce((sum, p) => sum + p.nextOffset, 0) === before) {
        throw new Error(`fetch ${requests} returned nothing below the end offsets ${ends.join(', ')}`)
      }
    }
  } finally {
    await client.close()
  }
  return {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSecondsSince(cpuBefore),
    requests,
    bytes,
    partitions,
  }
}
