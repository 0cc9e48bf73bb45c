import { setTimeout as sleep } from 'node:timers/promises'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { encodeRecordBatch } from '../../src/protocol/records/index.js'
import { WireClient } from '../../test/broker/support/wire-client.js'

/**
 * The active load: producers, each on its own connection with one request
 * in flight, writing batches to the partitions of one topic in turn with
 * acks=1 until told to stop; and a latency probe, one more connection that
 * sends a one-record produce every few milliseconds and times each round
 * trip, the view of a light client sharing the broker with the load.
 */

export const VALUE_BYTES = 100
const PRODUCE_VERSION = 9
const ACKS_LEADER = 1
const PROBE_PAUSE_MS = 10

export interface ProduceLoadOptions {
  topic: string
  partitions: number
  producers: number
  batchRecords: number
}

export interface ProduceLoadResult {
  /** Records acknowledged, per partition. */
  acknowledged: number[]
  requests: number
  /** Round trip of every producer request, in milliseconds. */
  latenciesMs: number[]
}

export interface ProbeResult {
  latenciesMs: number[]
  /** Records the probe wrote (one per request) to partition 0. */
  records: number
}

function value(i: number): Buffer {
  return Buffer.from(`{"producer-record":${i}}`.padEnd(VALUE_BYTES, '.'))
}

async function produceOnce(
  client: WireClient,
  topic: string,
  partition: number,
  batch: Buffer,
): Promise<void> {
  const response = await client.send(Apis.Produce, PRODUCE_VERSION, {
    acks: ACKS_LEADER,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
  })
  const answer = response.responses[0]?.partitionResponses[0]
  if (answer?.errorCode !== ErrorCode.NONE) {
    throw new Error(
      `produce to partition ${partition} failed: error ${answer?.errorCode} ${answer?.errorMessage ?? ''}`,
    )
  }
}

/** Connects the producers; `run` then drives them until `stop` says so. */
export class ProduceLoad {
  private constructor(
    private readonly clients: WireClient[],
    private readonly options: ProduceLoadOptions,
  ) {}

  static async connect(bootstrap: string, options: ProduceLoadOptions): Promise<ProduceLoad> {
    const clients = await Promise.all(
      Array.from({ length: options.producers }, () => WireClient.connect(bootstrap)),
    )
    return new ProduceLoad(clients, options)
  }

  async run(stop: () => boolean): Promise<ProduceLoadResult> {
    const { topic, partitions, batchRecords } = this.options
    // one batch per producer, encoded up front and sent again and again: the broker, not the encoder, is measured
    const batches = this.clients.map((_, p) =>
      encodeRecordBatch(
        Array.from({ length: batchRecords }, (_, i) => ({ value: value(p * batchRecords + i) })),
      ),
    )
    const result: ProduceLoadResult = {
      acknowledged: new Array(partitions).fill(0),
      requests: 0,
      latenciesMs: [],
    }
    await Promise.all(
      this.clients.map(async (client, p) => {
        for (let i = 0; !stop(); i++) {
          const partition = (p + i) % partitions
          const started = performance.now()
          await produceOnce(client, topic, partition, batches[p])
          result.latenciesMs.push(performance.now() - started)
          result.acknowledged[partition] += batchRecords
          result.requests++
        }
      }),
    )
    return result
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()))
  }
}

/**
 * Deletes everything below the end offsets every `intervalMs` (DeleteRecords),
 * standing in for retention, which the memory engine applies only every few
 * minutes: without it the broker's memory would hold every record of the
 * run, and the figures would be about stored data rather than connections.
 */
export async function runJanitor(
  bootstrap: string,
  topic: string,
  partitions: number,
  intervalMs: number,
  stop: () => boolean,
): Promise<void> {
  const client = await WireClient.connect(bootstrap)
  try {
    while (!stop()) {
      await sleep(intervalMs)
      const ends = await client.send(Apis.ListOffsets, 7, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          {
            name: topic,
            partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
              partitionIndex,
              timestamp: -1n,
            })),
          },
        ],
      })
      const deleted = await client.send(Apis.DeleteRecords, 2, {
        topics: [
          {
            name: topic,
            partitions: (ends.topics[0]?.partitions ?? []).map((p) => ({
              partitionIndex: p.partitionIndex,
              offset: p.offset,
            })),
          },
        ],
        timeoutMs: 10_000,
      })
      for (const p of deleted.topics[0]?.partitions ?? []) {
        if (p.errorCode !== ErrorCode.NONE) {
          throw new Error(`deleting records of partition ${p.partitionIndex} failed: error ${p.errorCode}`)
        }
      }
    }
  } finally {
    await client.close()
  }
}

/** One-record produces to partition 0, one at a time with a short pause, until `stop`. */
export async function runLatencyProbe(
  bootstrap: string,
  topic: string,
  stop: () => boolean,
): Promise<ProbeResult> {
  const client = await WireClient.connect(bootstrap)
  const batch = encodeRecordBatch([{ value: value(-1) }])
  const result: ProbeResult = { latenciesMs: [], records: 0 }
  try {
    while (!stop()) {
      const started = performance.now()
      await produceOnce(client, topic, 0, batch)
      result.latenciesMs.push(performance.now() - started)
      result.records++
      await sleep(PROBE_PAUSE_MS)
    }
  } finally {
    await client.close()
  }
  return result
}
