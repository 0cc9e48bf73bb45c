import { afterAll, beforeAll, expect, it } from 'vitest'
import { keyPartition } from '../../../src/client/producer/murmur2.js'
import { Kafka } from '../../../src/index.js'
import { BrokerHarness, type CompatBroker, type CompatTarget } from '../support/broker.js'
import { describeWithClient } from '../support/external-client.js'
import {
  javaClientAvailability,
  javaKeyPartitions,
  javaProduce,
  prepareJavaClient,
} from '../support/java-client.js'
import { readStoredBatches } from '../support/stored-batches.js'
import { createTopic } from './sluice-writer.js'

/**
 * Sluice puts keyed records on the same partitions as the Java producer, so
 * that both can write one topic and every record of a key stays in one
 * partition, in order. For 10,000 keys of every shape (empty, one byte to a
 * few hundred, ASCII, UTF-8, arbitrary bytes, every length modulo 4, which
 * murmur2 treats differently) and several partition counts:
 * - keyPartition gives what the Java producer's own partitioner code gives
 *   (BuiltInPartitioner.partitionForKey, run in kafka-clients);
 * - `producer.send` reports that partition, and the broker stored the record there;
 * - a real KafkaProducer, sending the same keys to a topic of the same size,
 *   reports and stores each key on the same partition as Sluice.
 */

const KEY_COUNT = 10_000
const PARTITION_COUNTS = [1, 3, 7, 16, 100] as const
const TEST_MS = 60_000
/** Compiling the Java client and starting Kafka beside another test file's cluster on two busy cores. */
const START_MS = 180_000

/** Deterministic keys of every kind a partitioner might meet; all distinct. */
function placementKeys(count = KEY_COUNT): Buffer[] {
  const keys: Buffer[] = [Buffer.alloc(0)]
  let x = 0x2545f491
  const next = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return x >>> 0
  }
  for (let i = 1; i < count; i++) {
    switch (i % 4) {
      case 0:
        keys.push(Buffer.from(`user-${i}`, 'utf8'))
        break
      case 1: {
        // arbitrary bytes, high bit set in about half: murmur2 must read them unsigned, as Java's `& 0xff` does
        const key = Buffer.alloc(1 + (next() % 40))
        for (let b = 0; b < key.length; b++) key[b] = next() & 0xff
        // the index at the end keeps every key distinct
        keys.push(Buffer.concat([key, Buffer.from(String(i))]))
        break
      }
      case 2:
        keys.push(Buffer.from(`clé-ключ-キー-${i}`, 'utf8'))
        break
      default:
        keys.push(Buffer.from(`${'order/'.repeat(next() % 60)}${i}`, 'utf8'))
    }
  }
  return keys
}

/** key (hex) -> partition it is stored in, from the batches as the broker serves them. */
async function storedPlacement(
  bootstrap: string,
  topic: string,
  partitions: number,
): Promise<Map<string, number>> {
  const stored = await readStoredBatches(bootstrap, topic, partitions)
  const out = new Map<string, number>()
  for (const r of stored.records) {
    const key = r.key?.toString('hex')
    if (key === undefined) throw new Error(`${topic}: a record without a key`)
    if (out.has(key)) throw new Error(`${topic}: key ${key} stored twice`)
    out.set(key, r.partition)
  }
  return out
}

/** The first key whose partition differs between two lists, for a readable failure; -1 when none. */
function firstDifference(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Math.min(a.length, b.length)
  return a.findIndex((p, i) => p !== b[i])
}

export function keyPlacementSuite(target: CompatTarget): void {
  const title =
    target === 'kafka' ? 'key placement, Sluice and Java [kafka]' : 'key placement, Sluice and Java'
  describeWithClient(title, javaClientAvailability(), () => {
    const harness = new BrokerHarness(target)
    let broker: CompatBroker
    const keys = placementKeys()
    const hex = keys.map((k) => k.toString('hex'))
    /** Java's built-in partitioner, by partition count: the partition of every key. */
    let java: Map<number, number[]>

    beforeAll(async () => {
      await prepareJavaClient()
      broker = await harness.start({ broker: { autoCreateTopics: false } })
      java = await javaKeyPartitions(keys, PARTITION_COUNTS)
    }, START_MS)

    afterAll(() => harness.cleanup())

    it('keyPartition gives every key the partition the Java partitioner gives it, for 1, 3, 7, 16 and 100 partitions', () => {
      expect([...java.keys()]).toEqual([...PARTITION_COUNTS])
      for (const n of PARTITION_COUNTS) {
        const ours = keys.map((k) => keyPartition(k, n))
        const at = firstDifference(ours, java.get(n)!)
        if (at >= 0) {
          expect({ key: hex[at], partition: ours[at] }, `${n} partitions`).toEqual({
            key: hex[at],
            partition: java.get(n)![at],
          })
        }
        // the keys must spread, or agreeing would prove little
        expect(new Set(ours).size, `partitions used of ${n}`).toBe(n)
      }
    })

    it(
      'producer.send reports and stores each key on the Java partition; a KafkaProducer puts the same keys on the same partitions',
      async () => {
        const topics = PARTITION_COUNTS.map((n) => ({
          n,
          sluice: `placement-sluice-${n}`,
          java: `placement-java-${n}`,
        }))
        for (const t of topics) {
          await createTopic(broker.bootstrap, t.sluice, t.n)
          await createTopic(broker.bootstrap, t.java, t.n)
        }

        // Sluice: every key to every topic through send, as an application would, all in flight at once
        const producer = new Kafka({ brokers: [broker.bootstrap], logger: 'silent' }).producer()
        let reported: Map<number, number[]>
        try {
          const sends = topics.map(async (t) => {
            const sent = await Promise.all(
              keys.map((key, i) => producer.send({ topic: t.sluice, key, value: `sluice-${i}` })),
            )
            return [t.n, sent.map((m) => m.partition)] as const
          })
          reported = new Map(await Promise.all(sends))
        } finally {
          await producer.close()
        }

        // Java: the same keys through a real KafkaProducer
        const javaSent = await javaProduce(
          broker.bootstrap,
          topics.map((t) => t.java),
          keys,
        )

        for (const t of topics) {
          const want = java.get(t.n)!
          const checks = [
            ['Sluice send reported', reported.get(t.n)!],
            ['KafkaProducer reported', javaSent.get(t.java)!.map((d) => d.partition)],
          ] as const
          for (const [what, partitions] of checks) {
            const at = firstDifference(partitions, want)
            if (at >= 0) {
              expect({ key: hex[at], partition: partitions[at] }, `${what}, ${t.n} partitions`).toEqual({
                key: hex[at],
                partition: want[at],
              })
            }
          }
          // where the broker really holds them, read from the log
          for (const [what, topic] of [
            ['stored from Sluice', t.sluice],
            ['stored from KafkaProducer', t.java],
          ] as const) {
            const stored = await storedPlacement(broker.bootstrap, topic, t.n)
            expect(stored.size, `${what}, ${t.n} partitions: keys stored`).toBe(KEY_COUNT)
            const partitions = hex.map((k) => stored.get(k) ?? -1)
            const at = firstDifference(partitions, want)
            if (at >= 0) {
              expect({ key: hex[at], partition: partitions[at] }, `${what}, ${t.n} partitions`).toEqual({
                key: hex[at],
                partition: want[at],
              })
            }
          }
        }
      },
      TEST_MS,
    )
  })
}
