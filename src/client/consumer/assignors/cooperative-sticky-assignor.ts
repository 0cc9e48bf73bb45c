import type { TopicPartition } from '../../admin/admin-types.js'
import {
  type Assignment,
  type Assignor,
  byTopicThenPartition,
  compareMembers,
  emptyAssignment,
  type MemberSubscription,
} from './assignor.js'

const key = (tp: TopicPartition) => `${tp.topic}\0${tp.partition}`

/**
 * The cooperative-sticky assignor (KIP-429), wire-compatible with Java's
 * CooperativeStickyAssignor and librdkafka's: each member's user data is
 * its generation as an int32, and its subscription lists what it owns.
 *
 * The assignment is balanced (partition counts differ by at most one among
 * members that could take the same partitions) and sticky: a member keeps
 * what it owns unless balance needs it elsewhere. Cooperatively, a partition
 * that moves is not given to its new owner in this rebalance: its old owner
 * revokes it first and rejoins, and the next rebalance hands it over. So
 * no partition is ever consumed by two members at once, and the partitions
 * that do not move never stop.
 *
 * Written here because it must place partitions as the other clients'
 * implementations expect; the algorithm is our own (keep valid owners, give
 * the rest to the least loaded, then move from the most to the least loaded
 * until balanced).
 */
export const cooperativeStickyAssignor: Assignor = {
  name: 'cooperative-sticky',
  protocol: 'cooperative',
  userData(generation: number): Buffer {
    const b = Buffer.alloc(4)
    b.writeInt32BE(generation)
    return b
  },
  assign(
    members: readonly MemberSubscription[],
    partitionsPerTopic: ReadonlyMap<string, number>,
  ): Assignment {
    const sorted = [...members].sort(compareMembers)
    const previousOwner = previousOwners(sorted, partitionsPerTopic)
    const assignment = emptyAssignment(sorted)
    const subscribed = new Map(sorted.map((m) => [m.memberId, new Set(m.topics)]))
    for (const [k, owner] of previousOwner) assignment.get(owner)!.push(fromKey(k))
    const all = allPartitions(sorted, partitionsPerTopic)
    const unassigned = all.filter((tp) => !previousOwner.has(key(tp)))
    for (const tp of unassigned) {
      const eligible = sorted.filter((m) => subscribed.get(m.memberId)!.has(tp.topic))
      if (eligible.length === 0) continue
      const least = eligible.reduce((a, b) =>
        assignment.get(b.memberId)!.length < assignment.get(a.memberId)!.length ? b : a,
      )
      assignment.get(least.memberId)!.push(tp)
    }
    balance(sorted, assignment, subscribed)
    // a partition moving from one member to another is withheld this round: its owner revokes it first
    for (const [memberId, partitions] of assignment) {
      assignment.set(
        memberId,
        partitions.filter((tp) => {
          const owner = previousOwner.get(key(tp))
          return owner === undefined || owner === memberId
        }),
      )
    }
    for (const partitions of assignment.values()) partitions.sort(byTopicThenPartition)
    return assignment
  },
}

function fromKey(k: string): TopicPartition {
  const at = k.lastIndexOf('\0')
  return { topic: k.slice(0, at), partition: Number(k.slice(at + 1)) }
}

function allPartitions(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
) {
  const topics = [...new Set(members.flatMap((m) => m.topics))]
    .filter((t) => partitionsPerTopic.has(t))
    .sort()
  return topics.flatMap((topic) =>
    Array.from({ length: partitionsPerTopic.get(topic)! }, (_, partition) => ({ topic, partition })),
  )
}

/**
 * Who owned each partition last, of the claims that still stand: the topic
 * still exists with that partition and the member still subscribes to it;
 * of several claims the one from the newest generation wins, and a tie
 * leaves the partition unowned (two members cannot both have it).
 */
function previousOwners(
  members: readonly MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): Map<string, string> {
  const claims = new Map<string, { memberId: string; generation: number; contested: boolean }>()
  for (const m of members) {
    for (const tp of m.ownedPartitions) {
      const count = partitionsPerTopic.get(tp.topic)
      if (count === undefined || tp.partition >= count || !m.topics.includes(tp.topic)) continue
      const k = key(tp)
      const current = claims.get(k)
      if (!current || m.generation > current.generation) {
        claims.set(k, { memberId: m.memberId, generation: m.generation, contested: false })
      } else if (m.generation === current.generation) current.contested = true
    }
  }
  const owners = new Map<string, string>()
  for (const [k, claim] of claims) if (!claim.contested) owners.set(k, claim.memberId)
  return owners
}

/**
 * Moves partitions from the most loaded member to a less loaded one that
 * can take them until no move narrows the gap; the partitions moved are
 * the ones the giving member holds last (highest in topic/partition order),
 * so repeated rebalances settle on the same placement.
 */
function balance(
  members: readonly MemberSubscription[],
  assignment: Assignment,
  subscribed: ReadonlyMap<string, ReadonlySet<string>>,
): void {
  const total = [...assignment.values()].reduce((n, p) => n + p.length, 0)
  for (let moves = 0; moves <= total * members.length; moves++) {
    const byLoad = [...members].sort(
      (a, b) =>
        assignment.get(b.memberId)!.length - assignment.get(a.memberId)!.length || compareMembers(a, b),
    )
    let moved = false
    for (const giver of byLoad) {
      const given = assignment.get(giver.memberId)!
      for (const taker of [...byLoad].reverse()) {
        const taken = assignment.get(taker.memberId)!
        if (given.length - taken.length <= 1) break
        const candidates = given
          .filter((tp) => subscribed.get(taker.memberId)!.has(tp.topic))
          .sort(byTopicThenPartition)
        const tp = candidates.at(-1)
        if (!tp) continue
        given.splice(given.indexOf(tp), 1)
        taken.push(tp)
        moved = true
        break
      }
      if (moved) break
    }
    if (!moved) return
  }
}
