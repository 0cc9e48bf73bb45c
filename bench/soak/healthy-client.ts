import { setTimeout as sleep } from 'node:timers/promises'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import {
  CompressionType,
  decodeRecordBatch,
  encodeRecordBatch,
  iterateBatches,
  type RecordInput,
} from '../../src/protocol/records/index.js'
import { WireClient } from '../../test/broker/support/wire-client.js'

/**
 * The well-behaved client of the soak: one connection that, for as long as
 * the attack lasts, produces record batches (every compression codec in
 * turn, acks=all) to a topic of its own, fetches each back, and checks that
 * every record it wrote comes back at the offset it expected with the key,
 * value and header it wrote. Every record's content is a function of its
 * partition and offset, so nothing needs remembering to check it. Now and
 * then it checks metadata and end offsets, and deletes what it has verified,
 * so that its data does not grow the broker's memory during the run.
 *
 * Anything unexpected counts as an error: an error code, a dropped
 * connection, a record out of place or with other bytes. After an error it
 * reconnects and carries on from the broker's end offsets.
 */

export interface HealthyStats {
  iterations: number
  recordsProduced: number
  /** Records fetched back and found identical to what was written. */
  recordsVerified: number
  errors: number
  /** The first few errors, for the report. */
  errorMessages: string[]
  /** Round trip of each produce request, in milliseconds. */
  produceLatenciesMs: number[]
}

export interface HealthyOptions {
  topic: string
  partitions: number
  /** Records per batch are drawn from 1 to this. */
  maxBatchRecords: number
}

const COMPRESSIONS = [
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
]
const PRODUCE_VERSION = 9
const FETCH_VERSION = 12
const ACKS_ALL = -1
const CHECK_EVERY = 20
const MAX_ERROR_MESSAGES = 10

/** Record (partition, offset) as written; the same function checks it when read. */
export function healthyRecord(
  partition: number,
  offset: number,
): Required<Pick<RecordInput, 'key' | 'value' | 'headers'>> {
  const label = `p${partition}o${offset}`
  const length = label.length + (((offset * 2654435761 + partition * 40503) >>> 0) % 300)
  const value = Buffer.allocUnsafe(length)
  value.write(label, 0, 'latin1')
  for (let i = label.length; i < length; i++) value[i] = (offset * 31 + i * 7 + partition) & 0xff
  return {
    key: Buffer.from(`k${offset}`),
    value,
    headers: [{ key: 'partition-offset', value: Buffer.from(label) }],
  }
}

class HealthyError extends Error {}

function sameBytes(actual: Buffer | null, expected: Uint8Array | null): boolean {
  return actual !== null && expected !== null && actual.equals(expected)
}

export class HealthyClient {
  readonly stats: HealthyStats = {
    iterations: 0,
    recordsProduced: 0,
    recordsVerified: 0,
    errors: 0,
    errorMessages: [],
    produceLatenciesMs: [],
  }
  /** Next offset to produce at, per partition: what the broker's end offset should be. */
  private readonly produced: number[]
  /** Next offset to verify, per partition. */
  private readonly verified: number[]
  private client: WireClient | null = null

  constructor(
    private readonly bootstrap: string,
    private readonly options: HealthyOptions,
  ) {
    this.produced = new Array(options.partitions).fill(0)
    this.verified = new Array(options.partitions).fill(0)
  }

  /** Connects and creates the topic; failures here are the caller's (the soak has not started). */
  async setUp(): Promise<void> {
    this.client = await WireClient.connect(this.bootstrap)
    const versions = await this.client.send(Apis.ApiVersions, 3, {
      clientSoftwareName: 'sluice-soak-healthy',
      clientSoftwareVersion: '1',
    })
    if (versions.errorCode !== ErrorCode.NONE)
      throw new Error(`ApiVersions failed: error ${versions.errorCode}`)
    const created = await this.client.send(Apis.CreateTopics, 7, {
      topics: [{ name: this.options.topic, numPartitions: this.options.partitions, replicationFactor: 1 }],
      timeoutMs: 10_000,
    })
    const result = created.topics[0]
    if (result?.errorCode !== ErrorCode.NONE) {
      throw new Error(
        `creating ${this.options.topic} failed: error ${result?.errorCode} ${result?.errorMessage}`,
      )
    }
  }

  /** Produces and verifies until `stop()` says so, then closes; errors are counted, not thrown. */
  async run(stop: () => boolean): Promise<void> {
    while (!stop()) {
      try {
        if (this.client === null || this.client.closed) await this.reconnect()
        await this.iterate(this.client!)
      } catch (err) {
        this.fail(err)
        this.client?.close().catch(() => {})
        this.client = null
        if (!stop()) await sleep(50)
      }
    }
    await this.client?.close()
    this.client = null
  }

  /** Total records the broker should hold past what was verified (0 once the run has caught up). */
  get unverified(): number {
    let n = 0
    for (let p = 0; p < this.options.partitions; p++) n += this.produced[p] - this.verified[p]
    return n
  }

  private fail(err: unknown): void {
    this.stats.errors++
    if (this.stats.errorMessages.length < MAX_ERROR_MESSAGES) {
      this.stats.errorMessages.push(err instanceof Error ? err.message : String(err))
    }
  }

  private async reconnect(): Promise<void> {
    const client = await WireClient.connect(this.bootstrap)
    this.client = client
    // a produce whose answer was lost may or may not have landed: carry on from what the broker holds
    const ends = await this.endOffsets(client)
    for (let p = 0; p < ends.length; p++) this.produced[p] = ends[p]
  }

  private async iterate(client: WireClient): Promise<void> {
    const i = this.stats.iterations++
    const partition = i % this.options.partitions
    const count = 1 + ((i * 7919) % this.options.maxBatchRecords)
    await this.produce(client, partition, count, COMPRESSIONS[i % COMPRESSIONS.length])
    await this.fetchAndVerify(client, partition)
    if (i % CHECK_EVERY === CHECK_EVERY - 1) await this.check(client)
  }

  private async produce(
    client: WireClient,
    partition: number,
    count: number,
    compression: CompressionType,
  ): Promise<void> {
    const base = this.produced[partition]
    const records: RecordInput[] = []
    for (let j = 0; j < count; j++) records.push(healthyRecord(partition, base + j))
    const batch = encodeRecordBatch(records, { compression })
    const started = performance.now()
    const response = await client.send(Apis.Produce, PRODUCE_VERSION, {
      acks: ACKS_ALL,
      timeoutMs: 30_000,
      topicData: [{ name: this.options.topic, partitionData: [{ index: partition, records: batch }] }],
    })
    this.stats.produceLatenciesMs.push(performance.now() - started)
    const answer = response.responses[0]?.partitionResponses[0]
    if (!answer) throw new HealthyError('produce response names no partition')
    if (answer.errorCode !== ErrorCode.NONE) {
      throw new HealthyError(
        `produce to partition ${partition}: error ${answer.errorCode} ${answer.errorMessage ?? ''}`,
      )
    }
    if (Number(answer.baseOffset) !== base) {
      throw new HealthyError(
        `produce to partition ${partition}: base offset ${answer.baseOffset}, expected ${base}`,
      )
    }
    this.produced[partition] = base + count
    this.stats.recordsProduced += count
  }

  private async fetchAndVerify(client: WireClient, partition: number): Promise<void> {
    while (this.verified[partition] < this.produced[partition]) {
      const from = this.verified[partition]
      const response = await client.send(Apis.Fetch, FETCH_VERSION, {
        replicaId: -1,
        maxWaitMs: 500,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: this.options.topic,
            partitions: [{ partition, fetchOffset: BigInt(from), partitionMaxBytes: 1 << 20 }],
          },
        ],
      })
      if (response.errorCode !== ErrorCode.NONE) throw new HealthyError(`fetch: error ${response.errorCode}`)
      const answer = response.responses[0]?.partitions[0]
      if (!answer) throw new HealthyError('fetch response names no partition')
      if (answer.errorCode !== ErrorCode.NONE) {
        throw new HealthyError(`fetch of partition ${partition} at ${from}: error ${answer.errorCode}`)
      }
      if (!answer.records || answer.records.length === 0) {
        throw new HealthyError(
          `fetch of partition ${partition} at ${from} returned nothing below ${this.produced[partition]}`,
        )
      }
      for (const span of iterateBatches(answer.records)) {
        const batch = decodeRecordBatch(answer.records, span.offset, { verifyCrc: true })
        for (const record of batch.records) this.verifyRecord(partition, record)
      }
      if (this.verified[partition] === from) {
        throw new HealthyError(`fetch of partition ${partition} at ${from} made no progress`)
      }
    }
  }

  private verifyRecord(
    partition: number,
    record: {
      offset: number
      key: Buffer | null
      value: Buffer | null
      headers: readonly { key: string; value: Buffer | null }[]
    },
  ): void {
    const expectedOffset = this.verified[partition]
    // a batch may start before the fetch offset; records already verified are skipped
    if (record.offset < expectedOffset) return
    if (record.offset !== expectedOffset) {
      throw new HealthyError(
        `partition ${partition}: record at offset ${record.offset}, expected ${expectedOffset}`,
      )
    }
    const expected = healthyRecord(partition, record.offset)
    const same =
      sameBytes(record.key, expected.key) &&
      sameBytes(record.value, expected.value) &&
      record.headers.length === 1 &&
      record.headers[0].key === expected.headers[0].key &&
      sameBytes(record.headers[0].value, expected.headers[0].value)
    if (!same)
      throw new HealthyError(`partition ${partition}: record at offset ${record.offset} has other content`)
    this.verified[partition]++
    this.stats.recordsVerified++
  }

  /** Metadata and end offsets agree with what was produced; verified records are deleted. */
  private async check(client: WireClient): Promise<void> {
    const meta = await client.send(Apis.Metadata, 12, {
      topics: [{ name: this.options.topic }],
      allowAutoTopicCreation: false,
    })
    const topic = meta.topics[0]
    if (topic?.errorCode !== ErrorCode.NONE) throw new HealthyError(`metadata: error ${topic?.errorCode}`)
    if (topic.partitions.length !== this.options.partitions) {
      throw new HealthyError(
        `metadata lists ${topic.partitions.length} partitions, expected ${this.options.partitions}`,
      )
    }
    const ends = await this.endOffsets(client)
    for (let p = 0; p < ends.length; p++) {
      if (ends[p] !== this.produced[p]) {
        throw new HealthyError(`partition ${p}: end offset ${ends[p]}, expected ${this.produced[p]}`)
      }
    }
    const deleted = await client.send(Apis.DeleteRecords, 2, {
      topics: [
        {
          name: this.options.topic,
          partitions: this.verified.map((offset, partitionIndex) => ({
            partitionIndex,
            offset: BigInt(offset),
          })),
        },
      ],
      timeoutMs: 10_000,
    })
    for (const p of deleted.topics[0]?.partitions ?? []) {
      if (p.errorCode !== ErrorCode.NONE)
        throw new HealthyError(`delete records of partition ${p.partitionIndex}: error ${p.errorCode}`)
    }
  }

  private async endOffsets(client: WireClient): Promise<number[]> {
    const response = await client.send(Apis.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        {
          name: this.options.topic,
          partitions: this.produced.map((_, partitionIndex) => ({ partitionIndex, timestamp: -1n })),
        },
      ],
    })
    const ends = new Array<number>(this.options.partitions).fill(-1)
    for (const p of response.topics[0]?.partitions ?? []) {
      if (p.errorCode !== ErrorCode.NONE)
        throw new HealthyError(`list offsets of partition ${p.partitionIndex}: error ${p.errorCode}`)
      ends[p.partitionIndex] = Number(p.offset)
    }
    if (ends.includes(-1)) throw new HealthyError(`list offsets left out a partition: ${ends.join(', ')}`)
    return ends
  }
}
