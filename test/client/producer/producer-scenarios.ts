import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Cluster } from '../../../src/client/cluster/cluster.js'
import { keyPartition } from '../../../src/client/producer/murmur2.js'
import { describeEachTarget, type TargetName } from '../../kafka/targets.js'
import { ClientHarness } from '../support/client-for.js'
import { rawCluster } from '../support/raw-client.js'
import { readPartition } from '../support/read-back.js'

/**
 * The producer's contract, one body per target (producer.test.ts: the
 * embedded broker; producer.kafka.test.ts: Apache Kafka): what a send
 * resolves with is where the record is stored, byte for byte.
 */
export function producerScenarios(targets: readonly TargetName[]): void {
  describeEachTarget('producer', { targets }, (target) => {
    const clients = new ClientHarness()
    let raw: Cluster
    const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`

    beforeAll(() => {
      raw = rawCluster({ brokers: target().bootstrap })
    })
    afterAll(() => raw.close())
    afterEach(() => clients.closeAll())

    async function topicOf(partitions: number): Promise<string> {
      const topic = unique('p')
      const admin = clients.admin({ brokers: target().bootstrap })
      await admin.createTopics([{ topic, partitions }])
      return topic
    }

    for (const acks of ['all', 'leader'] as const) {
      it(`stores each record where send says, with acks ${acks}`, async () => {
        const topic = await topicOf(3)
        const producer = clients.producer({ brokers: target().bootstrap }, { acks, lingerMs: 2 })
        const sent = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            producer.send({
              topic,
              key: `key-${i % 7}`,
              value: `value-${i}`,
              headers: [
                ['n', String(i)],
                ['n', 'again'],
              ],
              timestamp: 1_700_000_000_000 + i,
            }),
          ),
        )
        for (const [i, md] of sent.entries()) {
          expect(md.partition).toBe(keyPartition(Buffer.from(`key-${i % 7}`), 3))
          expect(md.timestamp).toBe(1_700_000_000_000 + i)
        }
        for (let p = 0; p < 3; p++) {
          const stored = await readPartition(raw, topic, p)
          const expected = sent.map((md, i) => ({ md, i })).filter(({ md }) => md.partition === p)
          expect(stored.map((r) => r.offset)).toEqual(expected.map(({ md }) => md.offset))
          expect(stored.map((r) => r.value)).toEqual(expected.map(({ i }) => `value-${i}`))
          expect(stored.map((r) => r.headers)).toEqual(
            expected.map(({ i }) => [
              ['n', String(i)],
              ['n', 'again'],
            ]),
          )
        }
      })
    }

    it('sends with acks none and resolves once written, without offsets', async () => {
      const topic = await topicOf(1)
      const producer = clients.producer({ brokers: target().bootstrap }, { acks: 'none' })
      const md = await producer.send({ topic, value: 'fire and forget' })
      expect(md.offset).toBe(-1n)
      await producer.flush()
      await expect
        .poll(async () => (await readPartition(raw, topic, 0)).map((r) => r.value))
        .toEqual(['fire and forget'])
    })

    it('sends many at once, and a topic it has not seen (auto-created)', async () => {
      const topic = unique('auto')
      const producer = clients.producer({ brokers: target().bootstrap })
      const mds = await producer.send({
        topic,
        messages: [{ value: 'a' }, { value: 'b' }, { value: null, key: 'gone' }],
      })
      // keyless records stick to one partition for the batch: one after the other
      expect(mds[1].partition).toBe(mds[0].partition)
      expect([mds[0].offset, mds[1].offset]).toEqual([0n, 1n])
      const stored = (await readPartition(raw, topic, mds[0].partition)).map((r) => r.value)
      expect(stored).toContain('a')
      expect(stored).toContain(null)
    })

    it('streams a source through sendAll in order, and through a Writable with pipeline()', async () => {
      const topic = await topicOf(2)
      const producer = clients.producer({ brokers: target().bootstrap }, { lingerMs: 1 })
      const records = Array.from({ length: 5000 }, (_, i) => ({ topic, key: `k${i % 11}`, value: `v${i}` }))
      const results = []
      for await (const r of producer.sendAll(records, { maxInFlight: 500 })) results.push(r)
      expect(results.map((r) => r.record.value)).toEqual(records.map((r) => r.value))
      expect(results.every((r) => r.error === undefined)).toBe(true)
      const piped = Array.from({ length: 2000 }, (_, i) => ({ key: `w${i % 5}`, value: `w${i}` }))
      await pipeline(Readable.from(piped), producer.writable({ topic }))
      let stored = 0
      for (let p = 0; p < 2; p++) {
        const values = (await readPartition(raw, topic, p)).map((r) => r.value!)
        stored += values.length
        // per partition, each key's records are in the order they were sent
        const order = values.filter((v) => v.startsWith('v')).map((v) => Number(v.slice(1)))
        expect(order).toEqual([...order].sort((a, b) => a - b))
      }
      expect(stored).toBe(7000)
    })

    for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      it(`compresses with ${compression}`, async () => {
        const topic = await topicOf(1)
        const producer = clients.producer({ brokers: target().bootstrap }, { compression })
        await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            producer.send({ topic, value: `${compression}-${i}-${'z'.repeat(50)}` }),
          ),
        )
        const stored = await readPartition(raw, topic, 0)
        expect(stored.map((r) => r.value)).toEqual(
          Array.from({ length: 200 }, (_, i) => `${compression}-${i}-${'z'.repeat(50)}`),
        )
      })
    }

    it('stores idempotent batches with a producer id and sequences from 0, and plain ones without', async () => {
      const topic = await topicOf(1)
      const idempotent = clients.producer({ brokers: target().bootstrap }, { lingerMs: 0 })
      for (let i = 0; i < 3; i++) await idempotent.send({ topic, value: `i${i}` })
      const plain = clients.producer({ brokers: target().bootstrap }, { idempotent: false })
      await plain.send({ topic, value: 'plain' })
      const stored = await readPartition(raw, topic, 0)
      expect(stored.slice(0, 3).map((r) => r.baseSequence)).toEqual([0, 1, 2])
      expect(stored[0].producerId).toBeGreaterThanOrEqual(0n)
      expect(stored[3]).toMatchObject({ producerId: -1n, baseSequence: -1 })
    })

    it('fails a record bigger than maxRequestBytes alone', async () => {
      const topic = await topicOf(1)
      const producer = clients.producer({ brokers: target().bootstrap }, { maxRequestBytes: 2048 })
      const [big, small] = await Promise.allSettled([
        producer.send({ topic, value: 'x'.repeat(5000) }),
        producer.send({ topic, value: 'small' }),
      ])
      expect(big.status === 'rejected' && big.reason.name).toBe('RecordTooLargeError')
      expect(small.status).toBe('fulfilled')
    })
  })
}
