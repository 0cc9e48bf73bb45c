import { expect } from 'vitest'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { decodeRecordBatch, encodeRecordBatch, iterateBatches } from '../../../src/protocol/records/index.js'
import type { WireClient } from './wire-client.js'

/**
 * Small wire-level steps the broker tests (and the compatibility suites'
 * stored-batch checks) share: create a topic, produce plain values, build a
 * Fetch v12 request, read back every value a partition stores, and join a
 * consumer group.
 */

/** Creates `name` and expects no error; `configs` are topic configs as [name, value] pairs. */
export async function createTopic(
  client: WireClient,
  name: string,
  partitions = 1,
  configs: [string, string][] = [],
): Promise<void> {
  const r = await client.send(Apis.CreateTopics, 7, {
    topics: [
      {
        name,
        numPartitions: partitions,
        replicationFactor: 1,
        configs: configs.map(([n, value]) => ({ name: n, value })),
      },
    ],
    timeoutMs: 1000,
  })
  expect(r.topics[0].errorCode, `creating ${name}`).toBe(0)
}

export function batchOf(...values: string[]): Buffer {
  return encodeRecordBatch(values.map((v, i) => ({ value: Buffer.from(v), timestamp: 1_000 + i })))
}

/** One Produce request carrying one batch per listed partition; answers per partition, in order. */
export async function produce(
  client: WireClient,
  topic: string,
  batches: Record<number, string[]>,
): Promise<{ index: number; errorCode: number; baseOffset: bigint }[]> {
  const r = await client.send(Apis.Produce, 9, {
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      {
        name: topic,
        partitionData: Object.entries(batches).map(([index, values]) => ({
          index: Number(index),
          records: batchOf(...values),
        })),
      },
    ],
  })
  return r.responses[0].partitionResponses.map((p) => ({
    index: p.index,
    errorCode: p.errorCode,
    baseOffset: p.baseOffset,
  }))
}

export interface FetchLimits {
  maxWaitMs?: number
  minBytes?: number
  maxBytes?: number
  partitionMaxBytes?: number
}

/**
 * A Fetch v12 request body for one partition, from `offset`, by a consumer
 * (replicaId -1) outside any fetch session. Without `limits` it answers at
 * once with up to 1 MiB of the partition.
 */
export function fetchBody(topic: string, partition: number, offset: bigint, limits: FetchLimits = {}) {
  return {
    replicaId: -1,
    maxWaitMs: limits.maxWaitMs ?? 0,
    minBytes: limits.minBytes ?? 1,
    maxBytes: limits.maxBytes ?? 50 * 1024 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [
          {
            partition,
            fetchOffset: offset,
            partitionMaxBytes: limits.partitionMaxBytes ?? 1024 * 1024,
            currentLeaderEpoch: -1,
            logStartOffset: -1n,
            lastFetchedEpoch: -1,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  }
}

/** The values of every record in a fetched record set, in order. */
export function valuesIn(records: Buffer | null): string[] {
  if (!records) return []
  const out: string[] = []
  for (const span of iterateBatches(records)) {
    for (const r of decodeRecordBatch(records, span.offset).records) out.push(r.value!.toString())
  }
  return out
}

/** Every value stored in one partition, in offset order (one entry per stored copy). */
export async function storedValues(client: WireClient, topic: string, partition: number): Promise<string[]> {
  const r = await client.send(
    Apis.Fetch,
    12,
    fetchBody(topic, partition, 0n, { maxBytes: 10 << 20, partitionMaxBytes: 10 << 20 }),
  )
  const p = r.responses[0].partitions[0]
  expect(p.errorCode, `fetching ${topic}-${partition}`).toBe(0)
  return valuesIn(p.records)
}

/** The protocol metadata every member joins with; JoinGroup answers echo it back. */
export const SUBSCRIPTION = Buffer.from('subscription')

/** What a member joins with: the group's protocol type and its metadata for the 'range' assignor. */
export interface JoinProtocol {
  type: string
  metadata: Buffer
}

const CONSUMER: JoinProtocol = { type: 'consumer', metadata: SUBSCRIPTION }

/** A JoinGroup body using the 'range' protocol; no member id asks the coordinator for one. */
export function joinBody(groupId: string, memberId = '', protocol: JoinProtocol = CONSUMER) {
  return {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 20_000,
    memberId,
    groupInstanceId: null,
    protocolType: protocol.type,
    protocols: [{ name: 'range', metadata: protocol.metadata }],
  }
}

/**
 * Joins `groupId` as its only member (the MEMBER_ID_REQUIRED round trip,
 * then the join) and syncs, assigning itself `assignment`; expects no error.
 */
export async function joinAlone(
  client: WireClient,
  groupId: string,
  protocol: JoinProtocol = CONSUMER,
  assignment = Buffer.from('mine'),
): Promise<{ memberId: string; generationId: number }> {
  const first = await client.send(Apis.JoinGroup, 7, joinBody(groupId, '', protocol))
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
  const joined = await client.send(Apis.JoinGroup, 7, joinBody(groupId, first.memberId, protocol))
  expect(joined.errorCode).toBe(0)
  const synced = await client.send(Apis.SyncGroup, 5, {
    groupId,
    generationId: joined.generationId,
    memberId: joined.memberId,
    groupInstanceId: null,
    protocolType: protocol.type,
    protocolName: 'range',
    assignments: [{ memberId: joined.memberId, assignment }],
  })
  expect(synced.errorCode).toBe(0)
  return { memberId: joined.memberId, generationId: joined.generationId }
}

/** Whether a promise has settled by now (after pending I/O callbacks have run). */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(
    () => {
      done = true
    },
    () => {
      done = true
    },
  )
  await new Promise((resolve) => setImmediate(resolve))
  return done
}
