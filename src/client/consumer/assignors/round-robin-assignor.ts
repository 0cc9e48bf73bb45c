import {
  type Assignment,
  type Assignor,
  compareMembers,
  emptyAssignment,
  type MemberSubscription,
} from './assignor.js'

/**
 * Java's RoundRobinAssignor: every partition of every subscribed topic, in
 * topic then partition order, dealt in turn to the members (MemberInfo
 * order), skipping members not subscribed to its topic.
 */
export const roundRobinAssignor: Assignor = {
  name: 'roundrobin',
  protocol: 'eager',
  userData: () => null,
  assign(
    members: readonly MemberSubscription[],
    partitionsPerTopic: ReadonlyMap<string, number>,
  ): Assignment {
    const assignment = emptyAssignment(members)
    const sorted = [...members].sort(compareMembers)
    const topics = [...new Set(members.flatMap((m) => m.topics))]
      .filter((t) => partitionsPerTopic.has(t))
      .sort()
    let turn = 0
    for (const topic of topics) {
      for (let partition = 0; partition < partitionsPerTopic.get(topic)!; partition++) {
        for (let tries = 0; tries < sorted.length; tries++) {
          const member = sorted[turn % sorted.length]
          turn++
          if (member.topics.includes(topic)) {
            assignment.get(member.memberId)!.push({ topic, partition })
            break
          }
        }
      }
    }
    return assignment
  },
}
