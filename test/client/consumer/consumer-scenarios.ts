import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Cluster } from '../../../src/client/cluster/cluster.js'
import type { Consumer, ConsumerMessage, Producer } from '../../../src/index.js'
import { describeEachTarget, type TargetName } from '../../kafka/targets.js'
import { ClientHarness } from '../support/client-for.js'
import { rawCluster } from '../support/raw-client.js'

/** Resolves once `check` holds, polling; fails after `timeoutMs` naming what was awaited. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/**
 * The consumer's contract, one body per target (consumer.test.ts: the
 * embedded broker; consumer.kafka.test.ts: Apache Kafka).
 */
export function consumerScenarios(targets: readonly TargetName[]): void {
  describeEachTarget('consumer', { targets, brokers: 1 }, (target) => {
    const clients = new ClientHarness()
    let raw: Cluster
    let producer: Producer
    const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`

    beforeAll(() => {
      raw = rawCluster({ brokers: target().bootstrap })
      producer = clients.producer({ brokers: target().bootstrap }, { lingerMs: 1 })
    })
    afterAll(async () => {
      await clients.closeAll()
      await raw.close()
    })
    afterEach(async () => {
      for (const c of consumers.splice(0)) await c.close()
    })
    const consumers: Consumer[] = []

    async function topicWith(partitions: number, records: number, keys = 20): Promise<string> {
      const topic = unique('c')
      const admin = clients.admin({ brokers: target().bootstrap })
      await admin.createTopics([{ topic, partitions }])
      const source = Array.from({ length: records }, (_, i) => ({
        topic,
        key: `key-${i % keys}`,
        value: String(i),
      }))
      for await (const r of producer.sendAll(source, { maxInFlight: 2000 })) if (r.error) throw r.error
      return topic
    }

    function consumer(
      options: Parameters<ClientHarness['consumer']>[1],
      client: Partial<Parameters<ClientHarness['kafka']>[0]> = {},
    ): Consumer {
      const c = clients.kafka({ brokers: target().bootstrap, ...client }).consumer({
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
        commitIntervalMs: 200,
        rebalanceTimeoutMs: 20_000,
        revokeDrainMs: 5_000,
        ...options,
      })
      consumers.push(c)
      return c
    }

    for (const ordering of ['partition', 'key', 'none'] as const) {
      it(`reads every record once (ordering ${ordering}), keeps the promised order, and commits it all`, async () => {
        const topic = await topicWith(3, 3000)
        const groupId = unique('g')
        const c = consumer({ groupId, topics: [topic], fromBeginning: true, ordering, concurrency: 8 })
        const seen: ConsumerMessage[] = []
        const running = c.run(async (m) => {
          seen.push(m)
          if (Number(m.value) % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 1))
        })
        await until('3000 records', () => seen.length >= 3000)
        await c.close()
        await running
        expect(new Set(seen.map((m) => String(m.value))).size).toBe(3000)
        const byPartition = new Map<number, bigint[]>()
        const byKey = new Map<string, number[]>()
        for (const m of seen) {
          byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), m.offset])
          byKey.set(String(m.key), [...(byKey.get(String(m.key)) ?? []), Number(m.value)])
        }
        if (ordering === 'partition') {
          for (const offsets of byPartition.values())
            expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)))
        }
        if (ordering !== 'none') {
          for (const values of byKey.values()) expect(values).toEqual([...values].sort((a, b) => a - b))
        }
        const lag = await clients.admin({ brokers: target().bootstrap }).lag(groupId)
        expect(lag.totalLag).toBe(0n)
      })
    }

    it('never commits past a record that is not finished', async () => {
      const topic = await topicWith(1, 100)
      const groupId = unique('g')
      const c = consumer({ groupId, topics: [topic], fromBeginning: true, ordering: 'none', concurrency: 20 })
      let release: () => void = () => {}
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      let finished = 0
      const running = c.run(async (m) => {
        if (m.offset === 10n) await held
        finished++
      })
      await until('every record but one', () => finished >= 99)
      const admin = clients.admin({ brokers: target().bootstrap })
      await until(
        'a commit at the held record',
        async () => (await admin.fetchOffsets(groupId))[0]?.offset === 10n,
      )
      // later records are done, the commit still stops at the unfinished one
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect((await admin.fetchOffsets(groupId))[0].offset).toBe(10n)
      release()
      await until('the commit past it', async () => (await admin.fetchOffsets(groupId))[0]?.offset === 100n)
      await c.close()
      await running
    })

    it('resumes from the committed offset after a restart', async () => {
      const topic = await topicWith(2, 400)
      const groupId = unique('g')
      const first = consumer({ groupId, topics: [topic], fromBeginning: true })
      const seenFirst = new Set<string>()
      const r1 = first.run((m) => {
        seenFirst.add(String(m.value))
      })
      await until('all 400', () => seenFirst.size >= 400)
      await first.close()
      await r1
      for (let i = 400; i < 450; i++) await producer.send({ topic, key: `key-${i % 20}`, value: String(i) })
      const second = consumer({ groupId, topics: [topic], fromBeginning: true })
      const seenSecond: string[] = []
      const r2 = second.run((m) => {
        seenSecond.push(String(m.value))
      })
      await until('the 50 new ones', () => seenSecond.length >= 50)
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(seenSecond.sort()).toEqual(Array.from({ length: 50 }, (_, i) => String(400 + i)).sort())
      await second.close()
      await r2
    })

    it('starts at the end without a committed offset unless told to start at the beginning', async () => {
      const topic = await topicWith(1, 20)
      const c = consumer({ groupId: unique('g'), topics: [topic] })
      const seen: string[] = []
      const running = c.run((m) => {
        seen.push(String(m.value))
      })
      await until('the assignment', () => c.assignment().length === 1)
      await new Promise((resolve) => setTimeout(resolve, 500))
      await producer.send({ topic, key: 'k', value: 'after' })
      await until('the new record', () => seen.length === 1)
      expect(seen).toEqual(['after'])
      await c.close()
      await running
    })

    it('hands partitions over in batches with runBatch, each batch from one partition in order', async () => {
      const topic = await topicWith(3, 1500)
      const c = consumer({ groupId: unique('g'), topics: [topic], fromBeginning: true, concurrency: 3 })
      const sizes: number[] = []
      let total = 0
      const running = c.runBatch(
        async (batch) => {
          sizes.push(batch.messages.length)
          total += batch.messages.length
          for (const m of batch.messages) expect(m.partition).toBe(batch.partition)
          const offsets = batch.messages.map((m) => m.offset)
          expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)))
        },
        { maxRecords: 100, maxWaitMs: 20 },
      )
      await until('1500 records', () => total >= 1500)
      expect(Math.max(...sizes)).toBeLessThanOrEqual(100)
      expect(total).toBe(1500)
      await c.close()
      await running
    })

    it('reads assigned partitions without a group, from an offset, and seeks', async () => {
      const topic = await topicWith(2, 100)
      const c = consumer({})
      c.assign([
        { topic, partition: 0, offset: 5n },
        { topic, partition: 1, offset: 0n },
      ])
      const seen: ConsumerMessage[] = []
      const running = c.run((m) => {
        seen.push(m)
      })
      const count = (p: number) => seen.filter((m) => m.partition === p).length
      const admin = clients.admin({ brokers: target().bootstrap })
      const [end0, end1] = await admin.listOffsets([
        { topic, partition: 0, at: 'latest' },
        { topic, partition: 1, at: 'latest' },
      ])
      await until(
        'both partitions read',
        () => count(0) === Number(end0.offset) - 5 && count(1) === Number(end1.offset),
      )
      expect(seen.find((m) => m.partition === 0)?.offset).toBe(5n)
      await c.seek({ topic, partition: 1, to: 'earliest' })
      await until('partition 1 again', () => count(1) === 2 * Number(end1.offset))
      await c.close()
      await running
    })

    it('subscribes by pattern, taking up a matching topic created while it runs', async () => {
      const prefix = unique('pat')
      const admin = clients.admin({ brokers: target().bootstrap })
      await admin.createTopics([{ topic: `${prefix}-a`, partitions: 2 }, { topic: `other-${prefix}` }])
      const c = consumer(
        { groupId: unique('g'), topics: new RegExp(`^${prefix}-`), fromBeginning: true },
        { metadataMaxAgeMs: 1000 },
      )
      const seen = new Set<string>()
      const running = c.run((m) => {
        seen.add(`${m.topic}:${m.value}`)
      })
      await producer.send({ topic: `${prefix}-a`, value: 'a1' })
      await producer.send({ topic: `other-${prefix}`, value: 'x' })
      await until('the first topic', () => seen.has(`${prefix}-a:a1`))
      await admin.createTopics([{ topic: `${prefix}-b`, partitions: 1 }])
      await producer.send({ topic: `${prefix}-b`, value: 'b1' })
      await until('the topic created later', () => seen.has(`${prefix}-b:b1`), 30_000)
      expect([...seen].sort()).toEqual([`${prefix}-a:a1`, `${prefix}-b:b1`])
      expect(
        c
          .assignment()
          .map((tp) => `${tp.topic}/${tp.partition}`)
          .sort(),
      ).toEqual([`${prefix}-a/0`, `${prefix}-a/1`, `${prefix}-b/0`])
      await c.close()
      await running
    })

    it('seeks to a timestamp and to the end', async () => {
      const topic = unique('ts')
      await clients.admin({ brokers: target().bootstrap }).createTopics([{ topic, partitions: 1 }])
      const t0 = Date.now() - 60_000
      for (let i = 0; i < 10; i++) await producer.send({ topic, value: String(i), timestamp: t0 + i * 1000 })
      const c = consumer({})
      c.assign([{ topic, partition: 0, offset: 0n }])
      const seen: string[] = []
      const running = c.run((m) => {
        seen.push(String(m.value))
      })
      await until('all ten', () => seen.length === 10)
      await c.seek({ topic, partition: 0, to: { timestamp: t0 + 5500 } })
      await until('the records from the timestamp on', () => seen.length === 14)
      expect(seen.slice(10)).toEqual(['6', '7', '8', '9'])
      await c.seek({ topic, partition: 0, to: 'latest' })
      await new Promise((resolve) => setTimeout(resolve, 300))
      await producer.send({ topic, value: 'new' })
      await until('the record after the end', () => seen.length === 15)
      expect(seen[14]).toBe('new')
      await c.close()
      await running
    })

    it("with commit 'before-process', commits a record's offset before its handler runs (at most once)", async () => {
      const topic = await topicWith(1, 10)
      const groupId = unique('g')
      const admin = clients.admin({ brokers: target().bootstrap })
      const c = consumer({ groupId, topics: [topic], fromBeginning: true, commit: 'before-process' })
      const committedWhenRun = new Map<bigint, bigint | undefined>()
      const running = c.run(async (m) => {
        if (m.offset === 3n) committedWhenRun.set(m.offset, (await admin.fetchOffsets(groupId))[0]?.offset)
        else committedWhenRun.set(m.offset, undefined)
      })
      await until('ten records', () => committedWhenRun.size === 10)
      expect(committedWhenRun.get(3n)).toBe(4n)
      await c.close()
      await running
    })

    it("with commit 'auto', commits records as they start, also past one whose handler has not finished", async () => {
      const topic = await topicWith(1, 50)
      const groupId = unique('g')
      const admin = clients.admin({ brokers: target().bootstrap })
      const c = consumer({
        groupId,
        topics: [topic],
        fromBeginning: true,
        commit: 'auto',
        ordering: 'none',
        concurrency: 64,
      })
      let release: () => void = () => {}
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      let started = 0
      const running = c.run(async (m) => {
        started++
        if (m.offset === 3n) await held
      })
      await until(
        'a commit past the held record',
        async () => (await admin.fetchOffsets(groupId))[0]?.offset === 50n,
      )
      expect(started).toBe(50)
      release()
      await c.close()
      await running
    })

    it('pauses and resumes partitions', async () => {
      const topic = await topicWith(2, 0)
      const c = consumer({ groupId: unique('g'), topics: [topic], fromBeginning: true })
      const seen: number[] = []
      const running = c.run((m) => {
        seen.push(m.partition)
      })
      await until('the assignment', () => c.assignment().length === 2)
      c.pause([{ topic, partition: 0 }])
      await producer.send({ topic, value: 'p0', partition: 0 })
      await producer.send({ topic, value: 'p1', partition: 1 })
      await until('partition 1', () => seen.includes(1))
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(seen).toEqual([1])
      c.resume([{ topic, partition: 0 }])
      await until('partition 0', () => seen.includes(0))
      await c.close()
      await running
    })
  })
}
