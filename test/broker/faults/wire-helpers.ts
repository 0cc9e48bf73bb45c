import { expect } from 'vitest'
import { Apis } from '../../../src/protocol/messages/index.js'
import { decodeRecordBatch, encodeRecordBatch, iterateBatches } from '../../../src/protocol/records/index.js'
import type { WireClient } from '../support/wire-client.js'

/** Small wire-level steps shared by the fault injection tests. */

export async function createTopic(client: WireClient, name: string, partitions = 1): Promise<void> {
  const r = await client.send(Apis.CreateTopics, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1 }],
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

/** Every value stored in one partition, in offset order. */
export async function storedValues(client: WireClient, topic: string, partition: number): Promise<string[]> {
  const r = await client.send(Apis.Fetch, 12, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 10 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [
          {
            partition,
            fetchOffset: 0n,
            partitionMaxBytes: 10 << 20,
            currentLeaderEpoch: -1,
            logStartOffset: -1n,
            lastFetchedEpoch: -1,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  })
  const p = r.responses[0].partitions[0]
  expect(p.errorCode, `fetching ${topic}-${partition}`).toBe(0)
  const records = p.records ?? Buffer.alloc(0)
  const out: string[] = []
  for (const span of iterateBatches(records)) {
    for (const record of decodeRecordBatch(records, span.offset).records) out.push(record.value!.toString())
  }
  return out
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
