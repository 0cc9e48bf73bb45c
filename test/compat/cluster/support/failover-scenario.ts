import { expect } from 'vitest'
import { type ConsumedRecord, GroupMember, type MemberSpec } from '../../groups/support/group-member.js'
import { type FailoverCluster, PARTITIONS } from './failover-cluster.js'
import type { StreamingProducer } from './streaming-producer.js'

/**
 * The cluster scenario the compatibility suite runs with each client: a
 * consumer in its own process reads throughout, while the test moves a
 * leader, stops a node, starts it again and moves leadership back to it.
 * Each change happens in the middle of a producer process's run: it has
 * delivered most of a first batch of records through the old leaders when
 * the change comes, then gets the rest and must deliver it through the new
 * ones. In the end every record must have been read exactly once, at
 * contiguous offsets from 0 in each partition: a lost record, a duplicate or
 * an offset reset all show.
 */

const BEFORE_CHANGE = 300
const AFTER_CHANGE = 100
/**
 * Records of the first batch that may still sit in the producer when the
 * change comes: kcat -P hands a line to librdkafka only once it has read
 * past it, in reads of up to 1 KiB, so up to about 50 of these short lines
 * wait for more input or the end of it.
 */
const NOT_YET_SENT = 100
const WAIT_MS = 40_000

export interface FailoverClients {
  /** A new producer process; it reads `key:value` lines until its input ends. */
  producer(bootstrap: string, topic: string): StreamingProducer
  consumer(bootstrap: string, topic: string): MemberSpec
}

/** Before the scenario: every partition led by its own node. */
export async function expectSpreadLeaders(cluster: FailoverCluster): Promise<void> {
  const leaders = await Promise.all(
    Array.from({ length: PARTITIONS }, (_, p) => cluster.leaderOf(p).then((l) => l.leaderId)),
  )
  expect(new Set(leaders).size, `leaders ${leaders}`).toBe(PARTITIONS)
}

export async function produceAndConsumeAcrossFailover(
  cluster: FailoverCluster,
  clients: FailoverClients,
): Promise<void> {
  await expectSpreadLeaders(cluster)
  const topic = cluster.topic
  const consumer = new GroupMember(clients.consumer(cluster.bootstrap, topic))
  const produced: string[] = []
  const producers: StreamingProducer[] = []
  const batch = (label: string, count: number) => {
    const records = Array.from({ length: count }, (_, i) => {
      const n = produced.length + i
      return { key: `key-${n % 97}`, value: `${label}-${n}` }
    })
    produced.push(...records.map((r) => r.value))
    return records
  }
  const consumed = (atLeast: number, what: string) =>
    consumer.waitFor(() => consumer.records.length >= atLeast, `${atLeast} records read ${what}`, WAIT_MS)
  /** Runs `change` in the middle of one producer process's life. */
  const across = async (label: string, change: () => Promise<void> | void) => {
    const producer = clients.producer(cluster.bootstrap, topic)
    producers.push(producer)
    producer.send(batch(`${label}-before`, BEFORE_CHANGE))
    await consumed(produced.length - NOT_YET_SENT, `before the change "${label}"`)
    await change()
    producer.send(batch(`${label}-after`, AFTER_CHANGE))
    const code = await producer.finish()
    expect(code, `${producer.client} producer across "${label}": ${producer.recentStderr}`).toBe(0)
    // a stopped node's dropped connections are reported as errors too; only lost records count
    expect(producer.recentStderr).not.toMatch(/Delivery failed|[Ff]atal/)
    await consumed(produced.length, `after the change "${label}"`)
  }
  try {
    const before = await cluster.leaderOf(0)
    await across('move', async () => {
      const second = (await cluster.replicasOf(0)).find((r) => r !== before.leaderId)!
      const moved = await cluster.moveLeader(0, second)
      expect(moved.leaderEpoch, 'a new leader, a new leader epoch').toBeGreaterThan(before.leaderEpoch)
    })
    // every partition was written and read through its own leader, and partition 0 through two
    expect(new Set(consumer.records.map((r) => r.partition)).size).toBe(PARTITIONS)
    expect((await cluster.leaderOf(0)).leaderId).not.toBe(before.leaderId)

    const stopped = (await cluster.leaderOf(1)).leaderId
    await across('stop', async () => {
      await cluster.stopNode(stopped)
      for (let p = 0; p < PARTITIONS; p++) expect((await cluster.leaderOf(p)).leaderId).not.toBe(stopped)
    })
    await across('start', () => cluster.startNode(stopped))
    await across('elect', async () => {
      expect(await cluster.electPreferredLeaders()).toBeGreaterThan(0)
      expect((await cluster.leaderOf(1)).leaderId).toBe(stopped)
    })
  } finally {
    for (const p of producers) p.kill()
    await consumer.kill()
  }
  expectEachOnce(consumer.records, produced)
}

/**
 * Every produced value read once, and each partition read at offsets 0, 1,
 * 2, ... with nothing skipped or repeated. With `rereadsAllowed`, a record
 * read again at the same partition and offset is forgiven (a group consumer
 * that rejoins delivers again what it had not committed: at-least-once, the
 * client's choice); a value stored twice never is.
 */
export function expectEachOnce(
  records: readonly ConsumedRecord[],
  produced: readonly string[],
  options: { rereadsAllowed?: boolean } = {},
): { rereads: number } {
  const seen = new Map<string, ConsumedRecord>()
  const reread: string[] = []
  const storedTwice: string[] = []
  const distinct: ConsumedRecord[] = []
  for (const r of records) {
    const earlier = seen.get(r.value)
    if (!earlier) distinct.push(r)
    else if (earlier.offset === r.offset && earlier.partition === r.partition) reread.push(r.value)
    else storedTwice.push(r.value)
    seen.set(r.value, r)
  }
  expect(storedTwice.slice(0, 5), 'values stored at two offsets').toEqual([])
  if (!options.rereadsAllowed) expect(reread.slice(0, 5), 'records read twice').toEqual([])
  expect(distinct).toHaveLength(produced.length)
  expect(distinct.map((r) => r.value).sort()).toEqual([...produced].sort())
  for (let p = 0; p < PARTITIONS; p++) {
    const offsets = distinct.filter((r) => r.partition === p).map((r) => r.offset)
    expect(offsets, `offsets read in partition ${p}`).toEqual(offsets.map((_, i) => i))
  }
  return { rereads: reread.length }
}
