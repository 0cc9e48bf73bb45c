import { randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import { Apis } from '../../../../src/protocol/messages/index.js'
import { encodeRecordBatch } from '../../../../src/protocol/records/index.js'
import { WireClient } from '../../../broker/support/wire-client.js'
import { BrokerHarness, type CompatBroker } from '../../support/broker.js'
import { type ConsumedRecord, GroupMember, type MemberFactory, waitFor } from './group-member.js'

/**
 * The consumer-group scenarios every client goes through: members splitting
 * a topic's partitions and reading each record once, a member leaving, a
 * member killed, a broker restart. Records are produced only once the
 * assignment has settled, so that "exactly once" is a fair expectation;
 * before a member goes away the test waits until the group's commits cover
 * everything read, so the handover must not repeat a record either.
 */

export const PARTITIONS = 6
const SETTLE_PAUSE_MS = 1000

/** A short initial delay still lets members started together share the first rebalance. */
export const GROUP_BROKER_OPTIONS = { groupInitialRebalanceDelayMs: 1000 }

export class GroupScenario {
  readonly harness = new BrokerHarness()
  readonly members: GroupMember[] = []
  readonly group = `group-${randomUUID()}`
  readonly topic = `topic-${randomUUID().slice(0, 8)}`
  broker!: CompatBroker
  private admin: WireClient | undefined

  /**
   * Without `shared`, each scenario starts its own embedded broker. With it,
   * the scenario runs on that broker (Apache Kafka, one per test file: a JVM
   * takes seconds to start) and leaves it running at cleanup; its group and
   * topic names are its own, so scenarios never meet.
   */
  constructor(private readonly shared?: CompatBroker) {}

  async start(storage: 'memory' | 'disk' = 'memory'): Promise<void> {
    this.broker = this.shared ?? (await this.harness.start({ storage, broker: GROUP_BROKER_OPTIONS }))
    const client = await this.client()
    const created = await client.send(Apis.CreateTopics, 7, {
      topics: [{ name: this.topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      timeoutMs: 5000,
    })
    expect(created.topics[0].errorCode).toBe(0)
  }

  join(factory: MemberFactory): GroupMember {
    const member = new GroupMember(factory(this.broker.bootstrap, this.group, this.topic))
    this.members.push(member)
    return member
  }

  /**
   * Waits until `members` hold disjoint assignments covering every partition,
   * each at least `min`, then a moment more: a client that just got its
   * assignment still reads its committed offsets, and @platformatic/kafka
   * (1.35) lets that read overwrite the position of a fetch it answered
   * meanwhile, reading those records twice. Records produced after the
   * pause test the broker, not that race.
   */
  async settled(
    members: readonly GroupMember[],
    min = Math.floor(PARTITIONS / members.length),
  ): Promise<void> {
    await waitFor(
      () => {
        const all = members.flatMap((m) => m.assignment)
        return (
          members.every((m) => m.running && m.assignment.length >= min) &&
          all.length === PARTITIONS &&
          new Set(all).size === PARTITIONS
        )
      },
      `${members.length} members to split ${PARTITIONS} partitions (have ${members.map((m) => `[${m.assignment}]`).join(' ')})`,
      60_000,
      members,
    )
    await new Promise((resolve) => setTimeout(resolve, SETTLE_PAUSE_MS))
  }

  /** Writes `perPartition` records to every partition; values say label, partition and index. */
  async produce(label: string, perPartition: number): Promise<string[]> {
    const client = await this.client()
    const values: string[] = []
    const partitionData = Array.from({ length: PARTITIONS }, (_, index) => {
      const batch = Array.from({ length: perPartition }, (_, i) => `${label}-${index}-${i}`)
      values.push(...batch)
      return { index, records: encodeRecordBatch(batch.map((v) => ({ value: Buffer.from(v) }))) }
    })
    const r = await client.send(Apis.Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: this.topic, partitionData }],
    })
    for (const p of r.responses[0].partitionResponses) expect(p.errorCode).toBe(0)
    return values
  }

  /** Waits until `members` together have read every one of `values`. */
  async consumed(members: readonly GroupMember[], values: readonly string[]): Promise<void> {
    const wanted = new Set(values)
    await waitFor(
      () => {
        const seen = new Set(members.flatMap((m) => m.values()).filter((v) => wanted.has(v)))
        return seen.size === wanted.size
      },
      `${values.length} records to be read`,
      60_000,
      members,
    )
  }

  /** Waits until the group's committed offsets reach the end of every partition. */
  async committedToEnd(): Promise<void> {
    const client = await this.client()
    const ends = await client.send(Apis.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        {
          name: this.topic,
          partitions: Array.from({ length: PARTITIONS }, (_, p) => ({
            partitionIndex: p,
            currentLeaderEpoch: -1,
            timestamp: -1n,
          })),
        },
      ],
    })
    const end = new Map(ends.topics[0].partitions.map((p) => [p.partitionIndex, p.offset]))
    const deadline = Date.now() + 30_000
    for (;;) {
      const fetched = await client.send(Apis.OffsetFetch, 8, {
        groups: [{ groupId: this.group, topics: [{ name: this.topic, partitionIndexes: [...end.keys()] }] }],
        requireStable: true,
      })
      const partitions = fetched.groupIds[0].topics[0]?.partitions ?? []
      if (
        partitions.length === PARTITIONS &&
        partitions.every((p) => p.committedOffset === end.get(p.partitionIndex))
      )
        return
      if (Date.now() > deadline) {
        throw new Error(
          `committed offsets ${partitions.map((p) => p.committedOffset)} never reached ${[...end.values()]}`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** The group as DescribeGroups reports it. */
  async describe() {
    const client = await this.client()
    const r = await client.send(Apis.DescribeGroups, 5, {
      groups: [this.group],
      includeAuthorizedOperations: false,
    })
    return r.groups[0]
  }

  async restartBroker(): Promise<void> {
    await this.admin?.close()
    this.admin = undefined
    await this.broker.restart()
  }

  async cleanup(): Promise<void> {
    await Promise.allSettled(this.members.map((m) => m.kill()))
    await this.admin?.close()
    await this.harness.cleanup()
  }

  private async client(): Promise<WireClient> {
    if (!this.admin || this.admin.closed) this.admin = await WireClient.connect(this.broker.bootstrap)
    return this.admin
  }
}

/** No value read twice, and every record read by the member holding its partition. */
export function expectReadOnce(records: readonly ConsumedRecord[]): void {
  const counts = new Map<string, number>()
  for (const r of records) counts.set(r.value, (counts.get(r.value) ?? 0) + 1)
  const repeated = [...counts].filter(([, n]) => n > 1).map(([v]) => v)
  expect(repeated.slice(0, 10), `${repeated.length} records read more than once`).toEqual([])
}

/** Every one of `values` that `member` read came from a partition it holds now. */
export function expectOwnPartitions(member: GroupMember, values: readonly string[]): void {
  const wanted = new Set(values)
  const partitions = new Set(member.records.filter((r) => wanted.has(r.value)).map((r) => r.partition))
  for (const p of partitions) expect(member.assignment, `${member.name} read partition ${p}`).toContain(p)
}

/**
 * Two members (of the given clients) split six partitions and read 600
 * records exactly once between them; the group is Stable with both; then the
 * second leaves cleanly and the first takes over everything, reading the
 * next 300 records and nothing twice.
 */
export async function splitThenLeave(
  s: GroupScenario,
  first: MemberFactory,
  second: MemberFactory,
): Promise<void> {
  await s.start()
  const a = s.join(first)
  const b = s.join(second)
  await s.settled([a, b])
  const described = await s.describe()
  expect(described.groupState).toBe('Stable')
  expect(described.members).toHaveLength(2)

  const firstBatch = await s.produce('first', 100)
  await s.consumed([a, b], firstBatch)
  expectReadOnce([...a.records, ...b.records])
  expectOwnPartitions(a, firstBatch)
  expectOwnPartitions(b, firstBatch)
  expect(a.records.length).toBeGreaterThan(0)
  expect(b.records.length).toBeGreaterThan(0)
  await s.committedToEnd()

  await b.stop()
  await s.settled([a])
  const secondBatch = await s.produce('second', 50)
  await s.consumed([a], secondBatch)
  expectReadOnce([...a.records, ...b.records])
  await s.committedToEnd()
  await a.stop()
  expect((await s.describe()).groupState).toBe('Empty')
}

/**
 * Three members split six partitions two each and read 600 records exactly
 * once; returns the assignor the group chose.
 */
export async function threeMembers(s: GroupScenario, factories: readonly MemberFactory[]): Promise<string> {
  await s.start()
  const members = factories.map((f) => s.join(f))
  await s.settled(members, 2)
  const values = await s.produce('three', 100)
  await s.consumed(members, values)
  expectReadOnce(members.flatMap((m) => m.records))
  for (const m of members) expectOwnPartitions(m, values)
  const described = await s.describe()
  expect(described.groupState).toBe('Stable')
  expect(described.members).toHaveLength(3)
  await s.committedToEnd()
  await Promise.all(members.map((m) => m.stop()))
  return described.protocolData
}

/**
 * A member killed with SIGKILL does not leave: the group keeps it until its
 * session times out, then the survivor gets every partition and reads what
 * comes next.
 */
export async function killedMember(s: GroupScenario, factory: MemberFactory): Promise<void> {
  await s.start()
  const a = s.join(factory)
  const b = s.join(factory)
  await s.settled([a, b])
  const firstBatch = await s.produce('before-kill', 50)
  await s.consumed([a, b], firstBatch)
  await s.committedToEnd()
  await b.kill()
  expect((await s.describe()).members).toHaveLength(2)
  // the session timeout (6 s) removes the killed member
  await s.settled([a])
  expect((await s.describe()).members).toHaveLength(1)
  const secondBatch = await s.produce('after-kill', 50)
  await s.consumed([a], secondBatch)
  expectReadOnce([...a.records, ...b.records])
  await a.stop()
}

/**
 * Committed offsets survive a broker restart: a new member of the group
 * starts where the old one stopped, reading only records produced later.
 */
export async function resumeAfterRestart(s: GroupScenario, factory: MemberFactory): Promise<void> {
  await s.start('disk')
  const before = s.join(factory)
  await s.settled([before])
  const old = await s.produce('before-restart', 50)
  await s.consumed([before], old)
  await s.committedToEnd()
  await before.stop()
  await s.restartBroker()
  const after = s.join(factory)
  await s.settled([after])
  const fresh = await s.produce('after-restart', 20)
  await s.consumed([after], fresh)
  const oldValues = new Set(old)
  expect(after.values().filter((v) => oldValues.has(v))).toEqual([])
  expectReadOnce(after.records)
  await after.stop()
}
