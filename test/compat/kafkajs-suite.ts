/**
 * kafkajs 2.2.4 against the embedded broker: produce, read back by partition,
 * list offsets, restart on the same data directory and read everything again.
 *
 * Codecs. kafkajs has gzip built in; snappy, lz4 and zstd come from the
 * plugins in support/kafkajs-codecs.ts. The snappy one writes snappy-java's
 * framing; the test checks on the stored batches that the framing is really
 * there.
 *
 * Reading. kafkajs consumes only through a consumer group (its Consumer has no
 * assign()), and the broker does not coordinate groups yet. So records are
 * read by partition with the pieces the kafkajs consumer is built from: the
 * Cluster its client creates (metadata, leader lookup, connection per
 * broker), Broker.fetch (its Fetch request and record batch decoding, codecs
 * included) and its consumer's Batch (which drops records before the fetch
 * offset, as the consumer does). These are kafkajs internals, reached by the
 * client's private cluster factory; a kafkajs upgrade that moves them fails
 * this file loudly rather than silently.
 */

import { createRequire } from 'node:module'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CompressionType } from '../../src/protocol/records/index.js'
import { BrokerHarness, type CompatBroker, type CompatTarget } from './support/broker.js'
import { describeWithClient } from './support/external-client.js'
import { registerKafkajsCodecs } from './support/kafkajs-codecs.js'
import { importClient } from './support/npm-client.js'
import { readStoredBatches } from './support/stored-batches.js'
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

const { module: kafkajs, availability } = await importClient('kafkajs', () => import('kafkajs'))

const requireCjs = createRequire(import.meta.url)

/** Records per produce call: kafkajs turns each call into one batch per partition. */
const SEND_CHUNK = 1000
const TEST_TIMEOUT_MS = 60_000
const READ_COMMITTED = 1

// --- kafkajs plumbing ------------------------------------------------------------

type Kafkajs = NonNullable<typeof kafkajs>
type Kafka = InstanceType<Kafkajs['Kafka']>

interface KafkajsMessage {
  offset: string
  timestamp: string
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, Buffer | Buffer[] | undefined>
}

interface KafkajsBatch {
  messages: KafkajsMessage[]
  highWatermark: string
}

/** The internal Cluster, as far as this test uses it. */
interface KafkajsCluster {
  connect(): Promise<void>
  disconnect(): Promise<void>
  addTargetTopic(topic: string): Promise<void>
  refreshMetadata(): Promise<void>
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>
  findBroker(query: { nodeId: string }): Promise<{
    fetch(request: object): Promise<{
      responses: Array<{ topicName: string; partitions: Array<{ partition: number; errorCode: number }> }>
    }>
  }>
  fetchTopicsOffset(
    topics: Array<{ topic: string; fromTimestamp: number; partitions: Array<{ partition: number }> }>,
  ): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>
}

const Batch: new (topic: string, fetchedOffset: string, partitionData: object) => KafkajsBatch = requireCjs(
  'kafkajs/src/consumer/batch',
)

/** The client's private factory for Cluster objects: every producer, consumer and admin gets theirs from it. */
function createCluster(kafka: Kafka): KafkajsCluster {
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster')
  if (!key) throw new Error('kafkajs no longer has its private cluster factory; update this test')
  const factory = (kafka as unknown as Record<symbol, (options: object) => KafkajsCluster>)[key]
  // READ_COMMITTED is what a kafkajs consumer uses unless told otherwise
  return factory({ allowAutoTopicCreation: false, isolationLevel: READ_COMMITTED })
}

/** Everything this file does with kafkajs against one running broker. */
class KafkajsSession {
  readonly kafka: Kafka
  readonly producer: ReturnType<Kafka['producer']>
  readonly admin: ReturnType<Kafka['admin']>
  readonly cluster: KafkajsCluster

  constructor(
    readonly lib: Kafkajs,
    bootstrap: string,
  ) {
    this.kafka = new lib.Kafka({
      clientId: 'sluice-compat-kafkajs',
      brokers: [bootstrap],
      logLevel: lib.logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 15_000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    })
    this.producer = this.kafka.producer({
      // idempotence is covered by test/compat/idempotence/; this checks plain produce and read-back
      idempotent: false,
      allowAutoTopicCreation: false,
      // the Java client's murmur2 partitioner (and silences kafkajs's warning about its default)
      createPartitioner: lib.Partitioners.DefaultPartitioner,
    })
    this.admin = this.kafka.admin()
    this.cluster = createCluster(this.kafka)
  }

  async connect(): Promise<void> {
    await Promise.all([this.producer.connect(), this.admin.connect(), this.cluster.connect()])
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect(), this.cluster.disconnect()])
  }

  /**
   * Reads every partition from offset 0 up to its high watermark, fetching
   * all unfinished partitions in one request per round as the consumer does.
   */
  async readAll(topic: string): Promise<ReadRecord[]> {
    await this.cluster.addTargetTopic(topic)
    await this.cluster.refreshMetadata()
    const partitions = Array.from({ length: PARTITION_COUNT }, (_, p) => p)
    const leaders = this.cluster.findLeaderForPartitions(topic, partitions)
    const nodeIds = Object.keys(leaders)
    expect(nodeIds.length, 'one broker leads every partition').toBe(1)
    const broker = await this.cluster.findBroker({ nodeId: nodeIds[0] })

    const next = new Map<number, bigint>(partitions.map((p) => [p, 0n]))
    const out: ReadRecord[] = []
    for (let round = 0; next.size > 0; round++) {
      if (round > 1000) throw new Error(`no end to ${topic} after ${round} fetches`)
      const request = [...next].map(([partition, offset]) => ({
        partition,
        fetchOffset: offset.toString(),
        maxBytes: 1024 * 1024,
      }))
      const { responses } = await broker.fetch({
        replicaId: -1,
        isolationLevel: READ_COMMITTED,
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 4 * 1024 * 1024,
        topics: [{ topic, partitions: request }],
      })
      for (const response of responses) {
        for (const data of response.partitions) {
          expect(data.errorCode, `fetch error on ${topic}-${data.partition}`).toBe(0)
          const fetched = next.get(data.partition)!
          const batch = new Batch(topic, fetched.toString(), data)
          let offset = fetched
          for (const m of batch.messages) {
            out.push({
              partition: data.partition,
              offset: BigInt(m.offset),
              key: m.key,
              value: m.value,
              headers: Object.entries(m.headers).flatMap(([k, v]) =>
                (Array.isArray(v) ? v : [v ?? null]).map((one) => [k, one] as const),
              ),
              timestamp: Number(m.timestamp),
            })
            offset = BigInt(m.offset) + 1n
          }
          if (offset >= BigInt(batch.highWatermark)) next.delete(data.partition)
          else next.set(data.partition, offset)
        }
      }
    }
    return out
  }

  /**
   * Earliest and latest offsets through the admin client, and offsets for
   * timestamps both through the admin client (which replaces "no such record"
   * with the end offset) and through the cluster's ListOffsets (which passes
   * Kafka's -1 through).
   */
  async checkOffsets(topic: string, checked: CheckedPartitions, produced: readonly WorkloadRecord[]) {
    const counts = checked.byPartition.map((records) => records.length)
    const ends = await this.admin.fetchTopicOffsets(topic)
    expect(
      ends
        .map(({ partition, low, high }) => ({ partition, low, high }))
        .sort((a, b) => a.partition - b.partition),
    ).toEqual(counts.map((count, partition) => ({ partition, low: '0', high: String(count) })))

    const partitions = counts.map((_, partition) => ({ partition }))
    for (const timestamp of timestampProbes(produced)) {
      const expected = checked.byPartition.map((records) => offsetForTimestamp(records, timestamp))
      const viaAdmin = await this.admin.fetchTopicOffsetsByTimestamp(topic, timestamp)
      expect(
        viaAdmin
          .map(({ partition, offset }) => ({ partition, offset }))
          .sort((a, b) => a.partition - b.partition),
        `admin offsets for timestamp ${timestamp}`,
      ).toEqual(
        expected.map((offset, p) => ({ partition: p, offset: String(offset === -1 ? counts[p] : offset) })),
      )

      const [raw] = await this.cluster.fetchTopicsOffset([{ topic, fromTimestamp: timestamp, partitions }])
      expect(
        raw.partitions
          .map(({ partition, offset }) => ({ partition, offset }))
          .sort((a, b) => a.partition - b.partition),
        `ListOffsets for timestamp ${timestamp}`,
      ).toEqual(expected.map((offset, p) => ({ partition: p, offset: String(offset) })))
    }
  }
}

// --- the tests ----------------------------------------------------------------------

interface CodecCase {
  name: string
  type: CompressionType
}

const CODECS: readonly CodecCase[] = [
  { name: 'none', type: CompressionType.None },
  { name: 'gzip', type: CompressionType.Gzip },
  { name: 'snappy', type: CompressionType.Snappy },
  { name: 'lz4', type: CompressionType.Lz4 },
  { name: 'zstd', type: CompressionType.Zstd },
]

interface ProducedTopic {
  topic: string
  records: WorkloadRecord[]
}

/** Declares the kafkajs 2.2.4 suite against `target`. */
export function kafkajsSuite(target: CompatTarget): void {
  describeWithClient(target === 'kafka' ? 'kafkajs 2.2.4 [kafka]' : 'kafkajs 2.2.4', availability, () => {
    const lib = kafkajs!
    const harness = new BrokerHarness(target)
    let broker: CompatBroker
    let session: KafkajsSession
    const produced = new Map<string, ProducedTopic>()

    beforeAll(async () => {
      registerKafkajsCodecs(lib)
      broker = await harness.start({ storage: 'disk' })
      session = new KafkajsSession(lib, broker.bootstrap)
      await session.connect()
    })

    afterAll(async () => {
      await session?.disconnect()
      await harness.cleanup()
    })

    for (const codec of CODECS) {
      it(
        `${codec.name}: 10,000 keyed records with headers, read back by partition, offsets listed`,
        async () => {
          const topic = `kafkajs-${codec.name}`
          const created = await session.admin.createTopics({
            topics: [{ topic, numPartitions: PARTITION_COUNT, replicationFactor: 1 }],
            waitForLeaders: true,
          })
          expect(created, 'topic created').toBe(true)

          // whole milliseconds an hour ago, so no timestamp is in the future and none is old enough to expire
          const records = makeWorkload(
            `kafkajs/${codec.name}`,
            Math.floor(Date.now() / 1000) * 1000 - 3_600_000,
          )
          const sent: Array<
            Array<{ partition: number; baseOffset?: string; logAppendTime?: string; logStartOffset?: string }>
          > = []
          for (let at = 0; at < records.length; at += SEND_CHUNK) {
            const metadata = await session.producer.send({
              topic,
              acks: -1,
              compression: codec.type as number,
              messages: records.slice(at, at + SEND_CHUNK).map((r) => ({
                key: r.key,
                value: r.value,
                headers: Object.fromEntries(r.headers),
                timestamp: String(r.timestamp),
              })),
            })
            sent.push(metadata)
          }

          const checked = checkReadBack(records, await session.readAll(topic))

          // each produce response gave, per partition, the offset of the first record of that chunk
          sent.forEach((metadata, chunk) => {
            const before = checked.byPartition.map(
              (inPartition) => inPartition.filter((r) => r.index < chunk * SEND_CHUNK).length,
            )
            for (const m of metadata) {
              expect(m.baseOffset, `chunk ${chunk} partition ${m.partition} base offset`).toBe(
                String(before[m.partition]),
              )
              // -1: the topic keeps the producer's create time rather than stamping log-append time
              expect(m.logAppendTime).toBe('-1')
              expect(m.logStartOffset).toBe('0')
            }
          })

          // the batches as stored: the codec really used, snappy framed the Java way, readable by Sluice
          const stored = await readStoredBatches(broker.bootstrap, topic, PARTITION_COUNT)
          expect(new Set(stored.compressions)).toEqual(new Set([codec.type]))
          if (codec.type === CompressionType.Snappy)
            expect(stored.xerialFramed).toBe(stored.compressions.length)
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
          CODECS.map((c) => c.name),
        )
        await session.disconnect()
        await broker.restart()
        session = new KafkajsSession(lib, broker.bootstrap)
        await session.connect()
        for (const { topic, records } of produced.values()) {
          const checked = checkReadBack(records, await session.readAll(topic))
          await session.checkOffsets(topic, checked, records)
        }
      },
      TEST_TIMEOUT_MS,
    )
  })
}
