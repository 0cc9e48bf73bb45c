import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProducerOptions } from '../../../src/client/producer/producer-options.js'
import type { RecordMetadata } from '../../../src/client/producer/record-metadata.js'
import { CompressionType } from '../../../src/protocol/records/index.js'
import { describeWithKafka } from '../../kafka/describe-with-kafka.js'
import { BrokerHarness, type CompatBroker, type CompatTarget } from '../support/broker.js'
import { type Availability, describeWithClient, itWithPart } from '../support/external-client.js'
import { javaClientAvailability, javaConsume, prepareJavaClient } from '../support/java-client.js'
import { registerKafkajsCodecs } from '../support/kafkajs-codecs.js'
import { kafkajsReadTopic } from '../support/kafkajs-group-reader.js'
import { kcatAvailability, kcatCodecs, kcatReadTopic } from '../support/kcat-json-reader.js'
import { javaKeyPartition } from '../support/murmur2.js'
import { importClient } from '../support/npm-client.js'
import { CODEC_NAMES, type CodecName } from '../support/python-client.js'
import { CONFLUENT_SUITE, KAFKA_PYTHON_SUITE } from '../support/python-clients.js'
import { readStoredBatches } from '../support/stored-batches.js'
import { CODEC_TYPES } from '../support/stored-codec.js'
import {
  type CheckedPartitions,
  checkReadBack,
  makeWorkload,
  PARTITION_COUNT,
  type ReadRecord,
  type WorkloadRecord,
} from '../support/workload.js'
import { createTopic, writeWithSluice } from './sluice-writer.js'

/**
 * Records written by the Sluice producer, read back by clients this project
 * did not write: kcat and confluent-kafka (librdkafka), kafka-python,
 * kafkajs and the Java consumer (kafka-clients). For each codec, one topic of
 * three partitions holds the compatibility workload (support/workload.ts):
 * keyed records with three headers each (non-ASCII text, binary bytes with
 * NUL), values of mixed length (compressible text, incompressible noise,
 * empty values, tombstones) and explicit timestamps, plus a few values of
 * about 70 KB so that some batches compress into several blocks.
 *
 * Each reader must give back exactly what Sluice acknowledged: every record
 * once, at the partition and offset `sendAll` reported (which is where the
 * Java partitioner puts its key), in send order per partition, with the same
 * key, value, headers and create time. A client or codec that is missing is
 * skipped locally and fails under CI, as in the rest of test/compat.
 */

const RECORDS = 3000
/** Every so often a value far larger than a batch (batchBytes 16 KiB by default): see withLargeValues. */
const LARGE_EVERY = 487
const LARGE_BYTES = 70_000
const TEST_MS = 60_000
/** Starting Kafka beside another test file's cluster on two busy cores can take minutes. */
const START_MS = 180_000

/** How each codec is asked for: names mostly, a level where the option takes one. */
const COMPRESSION: Record<CodecName, ProducerOptions['compression']> = {
  none: 'none',
  gzip: { type: 'gzip', level: 6 },
  snappy: 'snappy',
  lz4: 'lz4',
  zstd: { type: 'zstd', level: 3 },
}

interface Written {
  topic: string
  records: WorkloadRecord[]
  /** What `sendAll` reported for each record, by index. */
  metadata: RecordMetadata[]
}

const { module: kafkajs, availability: kafkajsAvailability } = await importClient(
  'kafkajs',
  () => import('kafkajs'),
)

/**
 * Replaces a few values with ones of about 70 KB, half text, half noise. A
 * record larger than a batch gets a batch of its own, and its compressed
 * form spans several blocks: snappy-java frames 32 KiB of input per block,
 * the lz4 frame 64 KiB. The workload's own values are all well under 1 KB, so
 * without these every batch would be a single block.
 */
function withLargeValues(records: WorkloadRecord[]): WorkloadRecord[] {
  let x = 0x1234567
  for (const r of records) {
    if (r.index % LARGE_EVERY !== 11) continue
    const value = Buffer.alloc(LARGE_BYTES + r.index)
    const text = Buffer.from(`large value of record ${r.index}; `.repeat(Math.ceil(value.length / 64)))
    text.copy(value, 0, 0, value.length >> 1)
    for (let b = value.length >> 1; b < value.length; b++) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      value[b] = x & 0xff
    }
    r.value = value
  }
  return records
}

export function readBackSuite(target: CompatTarget): void {
  const title =
    target === 'kafka'
      ? 'Sluice producer, read by other clients [kafka]'
      : 'Sluice producer, read by other clients'
  // the reference run is skipped locally, and fails under CI, without Java and the Kafka jars
  const block = target === 'kafka' ? describeWithKafka : describe
  block(title, () => {
    const harness = new BrokerHarness(target)
    let broker: CompatBroker
    const writes = new Map<CodecName, Promise<Written>>()
    // whole seconds an hour ago: explicit create times well clear of the clock
    const firstTimestamp = Math.floor(Date.now() / 1000) * 1000 - 3_600_000

    beforeAll(async () => {
      // topics only from Sluice's CreateTopics; groups (kafkajs) start without the initial delay
      broker = await harness.start({ broker: { autoCreateTopics: false, groupInitialRebalanceDelayMs: 0 } })
      // every codec's topic at once, each test then waits for the one it reads
      for (const codec of CODEC_NAMES) writes.set(codec, write(codec))
      // a failed write fails the tests that read it, with its error; it must not also go unhandled
      for (const w of writes.values()) w.catch(() => {})
    }, START_MS)

    afterAll(() => harness.cleanup())

    async function write(codec: CodecName): Promise<Written> {
      const topic = `sluice-${codec}`
      await createTopic(broker.bootstrap, topic, PARTITION_COUNT)
      const records = withLargeValues(makeWorkload(`sluice/${codec}`, firstTimestamp, RECORDS))
      const metadata = await writeWithSluice(broker.bootstrap, topic, records, {
        compression: COMPRESSION[codec],
        lingerMs: 5,
      })
      return { topic, records, metadata }
    }

    /** Waits for the codec's topic to be written; its error, if writing failed. */
    function written(codec: CodecName): Promise<Written> {
      const w = writes.get(codec)
      if (!w) throw new Error('the topics are written in beforeAll, which did not run')
      return w
    }

    /**
     * What every reader must see: the records read back intact and in order
     * (checkReadBack), each at the partition and offset Sluice reported, each
     * partition the one murmur2 gives its key.
     */
    function checkAgainstSluice(w: Written, read: readonly ReadRecord[]): CheckedPartitions {
      const checked = checkReadBack(w.records, read, PARTITION_COUNT)
      checked.byPartition.forEach((inPartition, partition) => {
        inPartition.forEach((record, offset) => {
          const reported = w.metadata[record.index]
          if (reported.partition !== partition || reported.offset !== BigInt(offset)) {
            expect(
              { partition: reported.partition, offset: reported.offset },
              `record ${record.index}: where sendAll said it is`,
            ).toEqual({ partition, offset: BigInt(offset) })
          }
        })
      })
      return checked
    }

    describe('as stored', () => {
      for (const codec of CODEC_NAMES) {
        it.concurrent(
          `${codec}: sendAll reports every record where murmur2 puts its key, at consecutive offsets, with its timestamp`,
          async () => {
            const w = await written(codec)
            const next: bigint[] = Array(PARTITION_COUNT).fill(0n)
            for (const r of w.records) {
              const m = w.metadata[r.index]
              const partition = javaKeyPartition(r.key, PARTITION_COUNT)
              const want = { topic: w.topic, partition, offset: next[partition], timestamp: r.timestamp }
              next[partition] += 1n
              if (
                m.topic !== want.topic ||
                m.partition !== want.partition ||
                m.offset !== want.offset ||
                m.timestamp !== want.timestamp
              ) {
                expect(m, `metadata of record ${r.index}`).toEqual(want)
              }
            }
            expect(
              next.every((n) => n > BigInt(RECORDS / 5)),
              'keys spread over every partition',
            ).toBe(true)

            // the batches as the broker keeps them: all of them with the codec asked for, by an idempotent producer
            const stored = await readStoredBatches(broker.bootstrap, w.topic, PARTITION_COUNT)
            expect(new Set(stored.compressions), 'compression of the stored batches').toEqual(
              new Set([CODEC_TYPES[codec]]),
            )
            if (CODEC_TYPES[codec] === CompressionType.Snappy) {
              expect(stored.xerialFramed, 'snappy batches in snappy-java framing').toBe(
                stored.compressions.length,
              )
            }
            expect(
              stored.compressions.length,
              'batches (several per partition: lingerMs and batchBytes cut them)',
            ).toBeGreaterThan(PARTITION_COUNT)
            expect(new Set(stored.producerIds).size, 'one producer id on every batch').toBe(1)
            expect(stored.producerIds[0] >= 0n, 'idempotence is on by default').toBe(true)
            checkAgainstSluice(w, stored.records)
          },
          TEST_MS,
        )
      }
    })

    /** A reader's tests, one per codec, run side by side unless told not to (separate topics, separate processes). */
    function readerTests(
      name: string,
      availability: Availability,
      codecs: () => Map<CodecName, Availability>,
      read: (w: Written) => Promise<ReadRecord[]>,
      { concurrent = true } = {},
    ): void {
      describeWithClient(name, availability, () => {
        const available = codecs()
        for (const codec of CODEC_NAMES) {
          itWithPart(
            `${codec}: reads back every record Sluice wrote, intact, where and in the order Sluice reported`,
            `${name} codec ${codec}`,
            available.get(codec) ?? availability,
            async () => {
              const w = await written(codec)
              checkAgainstSluice(w, await read(w))
            },
            { timeoutMs: TEST_MS, concurrent },
          )
        }
      })
    }

    /** Every record marked as create time, in the reader's own words. */
    function createTime<T extends ReadRecord & { timestampType: unknown }>(
      read: T[],
      createType: unknown,
    ): T[] {
      const other = read.find((r) => r.timestampType !== createType)
      expect(other?.timestampType, 'timestamp type other than create time').toBeUndefined()
      return read
    }

    readerTests('kcat (-J)', kcatAvailability, kcatCodecs, async (w) =>
      createTime(await kcatReadTopic(broker.bootstrap, w.topic), 'create'),
    )

    for (const python of [CONFLUENT_SUITE, KAFKA_PYTHON_SUITE]) {
      readerTests(
        python.name,
        python.availability,
        // asked only when the library is there: without it the script cannot even start
        () => (python.availability.available ? python.client.codecs() : new Map()),
        async (w) =>
          createTime(await python.client.consume(broker.bootstrap, w.topic), python.createTimeType),
      )
    }

    describe('kafkajs', () => {
      beforeAll(() => {
        // gzip is built in; snappy, lz4 and zstd are plugins (support/kafkajs-codecs.ts)
        if (kafkajs) registerKafkajsCodecs(kafkajs)
      })
      const all = () => new Map(CODEC_NAMES.map((c) => [c, kafkajsAvailability]))
      readerTests('kafkajs 2.2.4 (consumer group)', kafkajsAvailability, all, async (w) => {
        const counts = Array.from(
          { length: PARTITION_COUNT },
          (_, p) => w.metadata.filter((m) => m.partition === p).length,
        )
        return kafkajsReadTopic(kafkajs!, broker.bootstrap, w.topic, counts, TEST_MS - 10_000)
      })
    })

    describe('Java', () => {
      beforeAll(async () => {
        // compiled once (and cached across runs), before the first test needs it
        if (javaClientAvailability().available) await prepareJavaClient()
      }, 120_000)
      // kafka-clients bundles all four codecs (lz4-java, snappy-java, zstd-jni)
      const all = () => new Map(CODEC_NAMES.map((c) => [c, javaClientAvailability()]))
      readerTests(
        'Java consumer (kafka-clients)',
        javaClientAvailability(),
        all,
        async (w) => createTime(await javaConsume(broker.bootstrap, w.topic), 'CREATE_TIME'),
        // one JVM at a time: five starting at once on two cores take as long in all, with five times the memory
        { concurrent: false },
      )
    })
  })
}
