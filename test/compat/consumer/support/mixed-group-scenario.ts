import { expect } from 'vitest'
import type { GroupMember } from '../../groups/support/group-member.js'
import {
  expectOwnPartitions,
  expectReadOnce,
  type GroupScenario,
  PARTITIONS,
} from '../../groups/support/group-scenarios.js'
import type { MixedClient, SharedAssignor } from './consumer-members.js'

/**
 * One group, three members on three clients (Sluice, librdkafka, the Java
 * client), one assignor. `clients[0]` joins alone and takes every partition,
 * so the coordinator makes it leader: it computes the assignment for the
 * others, from the subscriptions they wrote, when they join. Then:
 *
 *  - stable: 600 records, each read exactly once, each by the member holding
 *    its partition, and committed to the end by all three;
 *  - handover: 600 more records are produced and `clients[leaver]` leaves
 *    cleanly at once, while some are unread or uncommitted. Every one is
 *    read (nothing lost); one is read twice only if its partition changed
 *    hands in that rebalance (at least once, never at random);
 *  - stable again: 600 more, each read exactly once by the two left.
 *
 * It also checks the protocol the group ran: cooperative-sticky members give
 * up only the partitions that move (never everything, and nothing when a
 * member leaves); range members give up everything at every rebalance.
 */
export async function mixedGroupHandover(
  s: GroupScenario,
  assignor: SharedAssignor,
  clients: readonly MixedClient[],
  leaver: number,
): Promise<void> {
  await s.start()
  const first = s.join(clients[0].member)
  await s.settled([first])
  const members = [first, ...clients.slice(1).map((c) => s.join(c.member))]
  const label = (m: GroupMember) => clients[members.indexOf(m)].name
  await s.settled(members, 2)

  const described = await s.describe()
  expect(described.groupState).toBe('Stable')
  expect(described.members).toHaveLength(3)
  expect(described.protocolData).toBe(assignor)
  // the first to join leads; the others never ran the assignor
  expect(first.leaderElections, `${label(first)} reported no leadership`).toBeGreaterThan(0)
  for (const m of members.slice(1)) expect(m.leaderElections, `${label(m)} led`).toBe(0)

  const stable = await s.produce('stable', 100)
  await s.consumed(members, stable)
  expectReadOnce(members.flatMap((m) => m.records))
  for (const m of members) {
    expectOwnPartitions(m, stable)
    expect(m.records.length, `${label(m)} read nothing`).toBeGreaterThan(0)
  }
  await s.committedToEnd()
  expectJoinRevocations(assignor, members, label)

  const going = members[leaver]
  const staying = members.filter((m) => m !== going)
  const owners = new Map(members.flatMap((m) => m.assignment.map((p) => [p, m] as const)))
  const revokedBefore = staying.map((m) => m.revocations.length)
  const electionsBefore = staying.map((m) => m.leaderElections)
  const handover = await s.produce('handover', 100)
  await going.stop()
  await s.settled(staying, PARTITIONS / 2)
  const after = await s.produce('after', 100)
  await s.consumed(staying, after)
  await s.consumed(members, handover)

  // partitions that changed hands in the handover: the leaver's, and (eager) any a survivor gave up
  const moved = new Set([...owners.keys()].filter((p) => owners.get(p) === going))
  staying.forEach((m, i) => {
    for (const r of m.revocations.slice(revokedBefore[i])) for (const p of r.partitions) moved.add(p)
  })
  expectRepeatsOnlyIn(
    members.flatMap((m) => m.records),
    handover,
    moved,
  )
  expectReadOnce(staying.flatMap((m) => m.records).filter((r) => after.includes(r.value)))
  for (const m of staying) expectOwnPartitions(m, after)

  const survivorRevocations = staying.flatMap((m, i) => m.revocations.slice(revokedBefore[i]))
  if (assignor === 'cooperative-sticky') {
    // a member leaving only hands its partitions out: nobody else gives any up
    expect(survivorRevocations.filter((r) => r.partitions.length > 0)).toEqual([])
  } else {
    // eager: each survivor gave up everything before the group rebalanced
    staying.forEach((m, i) => {
      const full = m.revocations.slice(revokedBefore[i]).filter((r) => r.kept.length === 0)
      expect(full.length, `${label(m)} did not give up its partitions`).toBeGreaterThan(0)
    })
  }
  // one survivor computed the new assignment: the leader if it stayed, else the new one
  const newElections = staying.map((m, i) => m.leaderElections - electionsBefore[i])
  expect(
    newElections.filter((n) => n > 0),
    `elections after the leave: ${newElections}`,
  ).toHaveLength(1)
  if (going !== first) expect(newElections[staying.indexOf(first)]).toBeGreaterThan(0)

  await s.committedToEnd()
  const end = await s.describe()
  expect(end.groupState).toBe('Stable')
  expect(end.members).toHaveLength(2)
  expect(end.protocolData).toBe(assignor)
  await Promise.all(staying.map((m) => m.stop()))
}

/**
 * The joins of the second and third members. Cooperative-sticky: whoever
 * gave partitions up kept the rest (an eager assignor would have taken them
 * all back first). Range: the first member gave up everything it held.
 */
function expectJoinRevocations(
  assignor: SharedAssignor,
  members: readonly GroupMember[],
  label: (m: GroupMember) => string,
): void {
  if (assignor === 'cooperative-sticky') {
    for (const m of members) {
      for (const r of m.revocations) {
        expect(r.kept.length, `${label(m)} gave up all of [${r.partitions}]`).toBeGreaterThan(0)
      }
    }
    // the first member held all six and now holds two: it gave four up, and only those
    const given = members[0].revocations.flatMap((r) => r.partitions)
    expect(given.sort()).toEqual(
      Array.from({ length: PARTITIONS }, (_, p) => p).filter((p) => !members[0].assignment.includes(p)),
    )
  } else {
    const full = members[0].revocations.filter((r) => r.kept.length === 0)
    expect(full.length, `${label(members[0])} kept partitions through a range rebalance`).toBeGreaterThan(0)
  }
}

/** Every one of `values` was read; those read more than once all come from `moved` partitions. */
function expectRepeatsOnlyIn(
  records: readonly { partition: number; value: string }[],
  values: readonly string[],
  moved: ReadonlySet<number>,
): void {
  const wanted = new Set(values)
  const counts = new Map<string, { partition: number; n: number }>()
  for (const r of records) {
    if (!wanted.has(r.value)) continue
    const c = counts.get(r.value) ?? { partition: r.partition, n: 0 }
    c.n++
    counts.set(r.value, c)
  }
  expect(values.filter((v) => !counts.has(v)).slice(0, 10), 'records never read').toEqual([])
  const strays = [...counts].filter(([, c]) => c.n > 1 && !moved.has(c.partition)).map(([v]) => v)
  expect(strays.slice(0, 10), `read twice outside the partitions that moved (${[...moved]})`).toEqual([])
}
