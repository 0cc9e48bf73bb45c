/**
 * @platformatic/kafka 1.x against the embedded broker: produce, read back by
 * partition, list offsets, restart on the same data directory and read
 * everything again.
 *
 * Codecs. platformatic has all five built in: gzip through node:zlib, snappy
 * and lz4 through WebAssembly, zstd through node:zlib, which has zstd only
 * from Node 22.15 (and 23.8): on older Node platformatic marks zstd
 * unavailable and so is it here. Its snappy is a single raw block, not the
 * snappy-java framing the Java client writes; the test pins that down on the
 * stored batches (Kafka's Java consumer reads raw blocks too, and so does
 * Sluice).
 *
 * Reading. Consumer.consume() always joins a consumer group first (even with
 * explicit offsets in MANUAL mode), and the broker does not coordinate groups
 * yet. So records are read with Consumer.fetch(), the public one-request
 * method the consume stream is built on: one Fetch to a given broker for given
 * partitions and offsets, answered with decoded (and decompressed) batches.
 * The consumer needs a group id to be constructed but never contacts a
 * coordinator on this path.
 *
 * Fetch versions. Its request types carry a `topicId`. platformatic
 * implements Fetch from v12, the last version that names topics, and there it
 * writes that field as the topic name; from v13 it is the topic's UUID
 * (KIP-516). The broker serves Fetch up to v17, so the version both speak is
 * v13 or later and the UUID goes there, as platformatic's own consume stream
 * does; the name is used only if a broker stopped at v12.
 */
import zlib from 'node:zlib'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CompressionType } from '../../src/protocol/records/index.js'
import { BrokerHarness, type CompatBroker, type CompatTarget } from './support/broker.js'
import { describeWithClient } from './support/external-client.js'
import { importClient } from './support/npm-client.js'
import { readStoredBatches } from './support/stored-batches.js'
import { topicServed } from './support/topic-served.js'
import {
  type CheckedPartitions,
  checkReadBack,
  makeWorkload,
  offsetForTimestamp,
  PARTITION_COUNT,
  type ReadRecord,
  timestampProbes,
  type WorkloadRecord,
} from './support/workload.js'

const { module: platformatic, availability } = await importClient(
  '@platformatic/kafka',
  () => import('@platformatic/kafka'),
)

type Platformatic = NonNullable<typeof platformatic>
type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

/** Records per send(): platformatic turns each call into one batch per partition. */
const SEND_CHUNK = 1000
const TEST_TIMEOUT_MS = 60_000
/** Fetch v13 replaced topic names with topic ids in the request. */
const FIRST_FETCH_WITH_TOPIC_IDS = 13
/** The newest Fetch platformatic 1.x implements. */
const PLATFORMATIC_MAX_FETCH = 17
/** ListOffsets' special timestamps. */
const LATEST = -1n
const EARLIEST = -2n

/** platformatic compresses zstd with node:zlib, which gained zstd in Node 22.15 / 23.8. */
const zlibHasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function'

interface CodecCase {
  name: CompressionName
  type: CompressionType
  available: boolean
}

const CODECS: readonly CodecCase[] = [
  { name: 'none', type: CompressionType.None, available: true },
  { name: 'gzip', type: CompressionType.Gzip, available: true },
  { name: 'snappy', type: CompressionType.Snappy, available: true },
  { name: 'lz4', type: CompressionType.Lz4, available: true },
  { name: 'zstd', type: CompressionType.Zstd, available: zlibHasZstd },
]

const byPartition = <T extends { partition: number }>(a: T, b: T) => a.partition - b.partition

/** Everything this file does with platformatic against one running broker. */
class PlatformaticSession {
  readonly producer: InstanceType<Platformatic['Producer']>
  readonly consumer: InstanceType<Platformatic['Consumer']>
  readonly admin: InstanceType<Platformatic['Admin']>

  constructor(lib: Platformatic, bootstrap: string) {
    const base = {
      clientId: 'sluice-compat-platformatic',
      bootstrapBrokers: [bootstrap],
      retries: 2,
      retryDelay: 100,
      timeout: 15_000,
    }
    this.producer = new lib.Producer({
      ...base,
      // idempotence is covered by test/compat/idempotence/; this checks plain produce and read-back
      idempotent: false,
      autocreateTopics: false,
    })
    this.consumer = new lib.Consumer({ ...base, groupId: 'sluice-compat-unused' })
    this.admin = new lib.Admin(base)
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.producer.close(), this.consumer.close(true), this.admin.close()])
  }

  /**
   * Reads every partition from offset 0 up to its high watermark with one
   * Fetch per round for all unfinished partitions. Also returns the
   * compression type of every batch as the client decoded it.
   */
  async readAll(topic: string): Promise<{ records: ReadRecord[]; compressions: Set<number> }> {
    const metadata = await this.consumer.metadata({ topics: [topic] })
    const topicMetadata = metadata.topics.get(topic)
    if (!topicMetadata) throw new Error(`no metadata for ${topic}`)
    const leaders = new Set(topicMetadata.partitions.map((p) => p.leader))
    expect(leaders.size, 'one broker leads every partition').toBe(1)
    const [node] = leaders

    const apis = await this.consumer.listApis()
    const fetchApi = apis.find((api) => api.name === 'Fetch')
    if (!fetchApi) throw new Error('broker does not list Fetch')
    const version = Math.min(fetchApi.maxVersion, PLATFORMATIC_MAX_FETCH)
    const topicRef = version >= FIRST_FETCH_WITH_TOPIC_IDS ? topicMetadata.id : topic

    const next = new Map<number, bigint>()
    for (let p = 0; p < topicMetadata.partitionsCount; p++) next.set(p, 0n)
    const records: ReadRecord[] = []
    const compressions = new Set<number>()
    for (let round = 0; next.size > 0; round++) {
      if (round > 1000) throw new Error(`no end to ${topic} after ${round} fetches`)
      const response = await this.consumer.fetch({
        node,
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 4 * 1024 * 1024,
        topics: [
          {
            topicId: topicRef,
            partitions: [...next].map(([partition, fetchOffset]) => ({
              partition,
              fetchOffset,
              partitionMaxBytes: 1024 * 1024,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            })),
          },
        ],
      })
      expect(response.errorCode, 'fetch error').toBe(0)
      for (const topicResponse of response.responses) {
        expect(topicResponse.topicId).toBe(topicRef)
        for (const data of topicResponse.partitions) {
          expect(data.errorCode, `fetch error on ${topic}-${data.partitionIndex}`).toBe(0)
          const fetched = next.get(data.partitionIndex)!
          let offset = fetched
          for (const batch of data.records ?? []) {
            compressions.add(batch.attributes & 0x07)
            for (const r of batch.records) {
              const recordOffset = batch.firstOffset + BigInt(r.offsetDelta)
              // a fetch starts at the batch holding the fetch offset, which may begin before it
              if (recordOffset < fetched) continue
              records.push({
                partition: data.partitionIndex,
                offset: recordOffset,
                key: r.key,
                value: r.value,
                headers: r.headers.map(([k, v]) => [k === null ? '<null>' : k.toString('utf8'), v] as const),
                timestamp: Number(batch.firstTimestamp + r.timestampDelta),
              })
              offset = recordOffset + 1n
            }
          }
          if (offset >= data.highWatermark) next.delete(data.partitionIndex)
          else next.set(data.partitionIndex, offset)
        }
      }
    }
    return { records, compressions }
  }

  /**
   * Earliest and latest offsets, and offsets by timestamp, through the admin
   * client's ListOffsets (which passes Kafka's answer through, -1 included)
   * and, for earliest/latest, through the consumer's listOffsets.
   */
  async checkOffsets(topic: string, checked: CheckedPartitions, produced: readonly WorkloadRecord[]) {
    const counts = checked.byPartition.map((records) => records.length)
    const partitions = counts.map((_, p) => p)
    const list = async (timestamp: bigint) => {
      const [answer] = await this.admin.listOffsets({
        topics: [
          { name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) },
        ],
      })
      expect(answer.name).toBe(topic)
      return answer.partitions
        .map(({ partitionIndex, offset, timestamp }) => ({ partition: partitionIndex, offset, timestamp }))
        .sort(byPartition)
    }

    expect(await list(EARLIEST), 'earliest').toEqual(
      partitions.map((partition) => ({ partition, offset: 0n, timestamp: -1n })),
    )
    expect(await list(LATEST), 'latest').toEqual(
      partitions.map((partition) => ({ partition, offset: BigInt(counts[partition]), timestamp: -1n })),
    )
    const viaConsumer = await this.consumer.listOffsets({ topics: [topic] })
    expect(viaConsumer.get(topic), 'latest via the consumer').toEqual(counts.map((c) => BigInt(c)))
    const earliestViaConsumer = await this.consumer.listOffsets({ topics: [topic], timestamp: EARLIEST })
    expect(earliestViaConsumer.get(topic), 'earliest via the consumer').toEqual(counts.map(() => 0n))

    for (const timestamp of timestampProbes(produced)) {
      // Kafka answers with the first record at or after the timestamp, and that record's time
      const expected = checked.byPartition.map((records, partition) => {
        const offset = offsetForTimestamp(records, timestamp)
        return {
          partition,
          offset: BigInt(offset),
          timestamp: offset === -1 ? -1n : BigInt(records[offset].timestamp),
        }
      })
      expect(await list(BigInt(timestamp)), `offsets for timestamp ${timestamp}`).toEqual(expected)
    }
  }
}

interface ProducedTopic {
  topic: string
  records: WorkloadRecord[]
}

/** Declares the @platformatic/kafka 1.x suite against `target`. */
export function platformaticSuite(target: CompatTarget): void {
  describeWithClient(
    target === 'kafka' ? '@platformatic/kafka 1.x [kafka]' : '@platformatic/kafka 1.x',
    availability,
    () => {
      const lib = platformatic!
      const harness = new BrokerHarness(target)
      let broker: CompatBroker
      let session: PlatformaticSession
      const produced = new Map<string, ProducedTopic>()

      beforeAll(async () => {
        broker = await harness.start({ storage: 'disk' })
        session = new PlatformaticSession(lib, broker.bootstrap)
      })

      afterAll(async () => {
        await session?.close()
        await harness.cleanup()
      })

      it('reports zstd available exactly when node:zlib has it', () => {
        expect(lib.compressionsAlgorithms.zstd.available).toBe(zlibHasZstd)
      })

      for (const codec of CODECS) {
        // zstd needs node:zlib's zstd (Node 22.15+); on Node 20 platformatic cannot compress it at all
        it.skipIf(!codec.available)(
          `${codec.name}: 10,000 keyed records with headers, read back by partition, offsets listed`,
          async () => {
            const topic = `platformatic-${codec.name}`
            const created = await session.admin.createTopics({
              topics: [topic],
              partitions: PARTITION_COUNT,
              replicas: 1,
            })
            expect(created.map(({ name, partitions }) => ({ name, partitions }))).toEqual([
              { name: topic, partitions: PARTITION_COUNT },
            ])
            // platformatic resends a whole produce when one partition of it fails, also to the partitions
            // that stored it (this producer is not idempotent): against a Kafka node still taking up its
            // new partitions' leadership, 313 to 687 records of a chunk were stored twice
            await topicServed(broker.bootstrap, topic, PARTITION_COUNT)

            // whole milliseconds an hour ago, so no timestamp is in the future and none is old
            // enough to expire; the whole run spans 10 s, far inside platformatic's range for
            // timestamp deltas (it writes them correctly only up to 2^31 ms from a batch's first)
            const records = makeWorkload(
              `platformatic/${codec.name}`,
              Math.floor(Date.now() / 1000) * 1000 - 3_600_000,
            )
            const sent: Array<Array<{ partition: number; offset: bigint }>> = []
            for (let at = 0; at < records.length; at += SEND_CHUNK) {
              const result = await session.producer.send({
                acks: lib.ProduceAcks.ALL,
                compression: codec.name,
                messages: records.slice(at, at + SEND_CHUNK).map((r) => ({
                  topic,
                  key: r.key,
                  value: r.value ?? undefined,
                  headers: new Map(r.headers.map(([k, v]) => [Buffer.from(k, 'utf8'), v])),
                  timestamp: BigInt(r.timestamp),
                })),
              })
              sent.push(result.offsets ?? [])
            }

            const read = await session.readAll(topic)
            const checked = checkReadBack(records, read.records)
            // the batches as platformatic decoded them carry the codec it was asked for
            expect(read.compressions).toEqual(new Set([codec.type]))

            // each produce response gave, per partition, the offset of the first record of that chunk
            sent.forEach((offsets, chunk) => {
              expect(offsets.length, `chunk ${chunk} answered for every partition it wrote`).toBeGreaterThan(
                0,
              )
              const before = checked.byPartition.map(
                (inPartition) => inPartition.filter((r) => r.index < chunk * SEND_CHUNK).length,
              )
              for (const o of offsets) {
                expect(o.offset, `chunk ${chunk} partition ${o.partition} base offset`).toBe(
                  BigInt(before[o.partition]),
                )
              }
            })

            // the batches as stored: codec as decoded above, snappy as raw blocks, readable by Sluice
            const stored = await readStoredBatches(broker.bootstrap, topic, PARTITION_COUNT)
            expect(new Set(stored.compressions)).toEqual(new Set([codec.type]))
            if (codec.type === CompressionType.Snappy) expect(stored.xerialFramed).toBe(0)
            checkReadBack(records, stored.records)

            await session.checkOffsets(topic, checked, records)
            produced.set(codec.name, { topic, records })
          },
          TEST_TIMEOUT_MS,
        )
      }

      it(
        'reads every topic again, with the same offsets, after a restart on the same data directory',
        async () => {
          expect([...produced.keys()], 'every codec test must have passed first').toEqual(
            CODECS.filter((c) => c.available).map((c) => c.name),
          )
          await session.close()
          await broker.restart()
          session = new PlatformaticSession(lib, broker.bootstrap)
          for (const { topic, records } of produced.values()) {
            const read = await session.readAll(topic)
            const checked = checkReadBack(records, read.records)
            await session.checkOffsets(topic, checked, records)
          }
        },
        TEST_TIMEOUT_MS,
      )
    },
  )
}
