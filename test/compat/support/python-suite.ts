import { afterAll, beforeAll, expect, it } from 'vitest'
import { BrokerHarness, type CompatBroker, type CompatTarget } from './broker.js'
import { type Availability, describeWithClient, itWithPart } from './external-client.js'
import { javaKeyPartition } from './murmur2.js'
import { CODEC_NAMES, type CodecName, type PythonClient } from './python-client.js'
import { readStoredBatches } from './stored-batches.js'
import { CODEC_TYPES, checkStoredCodec } from './stored-codec.js'
import {
  type CheckedPartitions,
  checkReadBack,
  makeWorkload,
  offsetForTimestamp,
  PARTITION_COUNT,
  RECORD_COUNT,
  timestampProbes,
  type WorkloadRecord,
} from './workload.js'

/**
 * The compatibility checks shared by the Python clients, which run the same
 * script modes (test/compat/clients/*_roundtrip.py): for every codec the
 * client can write, create a three-partition topic through the client's admin
 * API, produce the shared workload (10,000 keyed records with headers and
 * explicit timestamps), read it back by partition assignment, list earliest,
 * latest and by-timestamp offsets; then restart the disk broker on the same
 * data directory and read and list everything again.
 */

export interface PythonSuiteOptions {
  /** Describe-block name. */
  name: string
  /** Whether the client library is installed. */
  availability: Availability
  client: PythonClient
  /** Topic name prefix, one topic per codec. */
  topicPrefix: string
  /** How this client reports a create-time timestamp type (the libraries number them differently). */
  createTimeType: number
}

/** Reads the broker under test from the options: Sluice's (npm test) or Apache Kafka (npm run test:kafka). */
export interface PythonSuiteTarget {
  target: CompatTarget
}

const TEST_MS = 60_000

interface ProducedTopic {
  topic: string
  records: WorkloadRecord[]
}

export function pythonClientSuite(options: PythonSuiteOptions & PythonSuiteTarget): void {
  const { client, target } = options
  // asked only when the library is there: without it the script cannot even start
  const codecs = options.availability.available ? client.codecs() : new Map<CodecName, Availability>()

  const name = target === 'kafka' ? `${options.name} [kafka]` : options.name
  describeWithClient(name, options.availability, () => {
    const harness = new BrokerHarness(target)
    let broker: CompatBroker
    const produced = new Map<CodecName, ProducedTopic>()
    // whole seconds an hour ago: explicit create times well clear of the clock
    const firstTimestamp = Math.floor(Date.now() / 1000) * 1000 - 3_600_000

    beforeAll(async () => {
      // no auto-creation: every topic comes from the client's own CreateTopics
      broker = await harness.start({ storage: 'disk', broker: { autoCreateTopics: false } })
    })

    afterAll(() => harness.cleanup())

    /** Reads everything back by assignment and checks it against the workload. */
    async function readBack(topic: string, records: readonly WorkloadRecord[]): Promise<CheckedPartitions> {
      const read = await client.consume(broker.bootstrap, topic)
      const otherTypes = read.filter((r) => r.timestampType !== options.createTimeType)
      expect(otherTypes.length, 'records not marked as create time').toBe(0)
      const checked = checkReadBack(records, read)
      // the Java partitioner, computed here, says in advance where each key belongs
      checked.byPartition.forEach((inPartition, p) => {
        const misplaced = inPartition.find((r) => javaKeyPartition(r.key, PARTITION_COUNT) !== p)
        expect(misplaced?.index, `record in partition ${p} that murmur2 puts elsewhere`).toBeUndefined()
      })
      return checked
    }

    async function checkOffsets(
      topic: string,
      checked: CheckedPartitions,
      records: readonly WorkloadRecord[],
    ): Promise<void> {
      const probes = timestampProbes(records)
      const { watermarks, times } = await client.offsets(broker.bootstrap, topic, probes)
      expect(watermarks).toEqual(
        checked.byPartition.map((inPartition, partition) => ({
          partition,
          low: 0,
          high: inPartition.length,
        })),
      )
      const expected = probes.flatMap((timestamp) =>
        checked.byPartition.map((inPartition, partition) => ({
          partition,
          timestamp,
          offset: offsetForTimestamp(inPartition, timestamp),
        })),
      )
      expect(times).toEqual(expected)
    }

    for (const codec of CODEC_NAMES) {
      itWithPart(
        `${codec}: produces 10,000 keyed records with headers, reads them back by partition, lists offsets`,
        `${options.name} codec ${codec}`,
        codecs.get(codec) ?? options.availability,
        async () => {
          const topic = `${options.topicPrefix}-${codec}`
          await client.createTopic(broker.bootstrap, topic, PARTITION_COUNT)
          const records = makeWorkload(topic, firstTimestamp)
          const deliveries = await client.produce(broker.bootstrap, topic, codec, records)

          // every delivery report names the partition murmur2 picks and the next offset there
          const nextOffset = Array(PARTITION_COUNT).fill(0)
          for (const r of records) {
            const partition = javaKeyPartition(r.key, PARTITION_COUNT)
            const want = { seq: r.index, partition, offset: nextOffset[partition]++ }
            const got = deliveries[r.index]
            if (got?.partition !== want.partition || got?.offset !== want.offset) {
              expect(got && { seq: got.seq, partition: got.partition, offset: got.offset }).toEqual(want)
            }
          }
          expect(
            nextOffset.every((n) => n > RECORD_COUNT / 5),
            'keys spread over every partition',
          ).toBe(true)

          const checked = await readBack(topic, records)

          // the batches as stored: the codec the client really used, and Sluice decodes them alike
          const stored = await readStoredBatches(broker.bootstrap, topic, PARTITION_COUNT)
          checkStoredCodec(stored, CODEC_TYPES[codec], topic)
          checkReadBack(records, stored.records)

          await checkOffsets(topic, checked, records)
          produced.set(codec, { topic, records })
        },
        // separate topics, so the client processes may overlap; the restart test still waits for all
        { timeoutMs: TEST_MS, concurrent: true },
      )
    }

    it(
      'reads every topic again, with the same offsets, after a restart on the same data directory',
      async () => {
        expect(produced.size, 'topics produced before the restart').toBeGreaterThan(0)
        await broker.restart()
        await Promise.all(
          [...produced.values()].map(async ({ topic, records }) => {
            const checked = await readBack(topic, records)
            await checkOffsets(topic, checked, records)
          }),
        )
      },
      TEST_MS,
    )
  })
}
