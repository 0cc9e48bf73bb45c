import {
  type Assignment,
  type Assignor,
  compareMembers,
  emptyAssignment,
  type MemberSubscription,
} from './assignor.js'

/**
 * Java's RangeAssignor: for each topic, its members in MemberInfo order each
 * take a contiguous range; the first (partitions % members) take one more.
 */
export const rangeAssignor: Assignor = {
  name: 'range',
  protocol: 'eager',
  userData: () => null,
  assign(
    members: readonly MemberSubscription[],
    partitionsPerTopic: ReadonlyMap<string, number>,
  ): Assignment {
    const assignment = emptyAssignment(members)
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort()
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic)
      if (count === undefined) continue
      const subscribed = members.filter((m) => m.topics.includes(topic)).sort(compareMembers)
      const base = Math.floor(count / subscribed.length)
      const extra = count % subscribed.length
      let next = 0
      subscribed.forEach((member, i) => {
        const take = base + (i < extra ? 1 : 0)
        for (let p = next; p < next + take; p++)
          assignment.get(member.memberId)!.push({ topic, partition: p })
        next += take
      })
    }
    return assignment
  },
}
