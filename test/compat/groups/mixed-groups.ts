import { expect, it } from 'vitest'
import type { CompatTarget } from '../support/broker.js'
import { allOf, probe, probePythonModule } from '../support/external-client.js'
import { importClient } from '../support/npm-client.js'
import { confluentMember, kafkaPythonMember, kcatMember, platformaticMember } from './support/group-member.js'
import { splitThenLeave, threeMembers } from './support/group-scenarios.js'
import { describeGroupSuite } from './support/group-suite.js'

/**
 * Groups whose members run different clients: whoever the coordinator makes
 * leader computes everyone's assignment, so each client must read the
 * subscriptions the others wrote and the assignment the leader wrote, and
 * the coordinator must pick the assignor they all support. kafkajs cannot
 * join these groups: its assignor is named "RoundRobinAssigner", which no
 * other client offers. librdkafka and @platformatic/kafka (1.35) cannot
 * share one either: platformatic labels its subscription version 1 but
 * leaves out the owned partitions that version adds, and a librdkafka
 * leader fails to read it ("Protocol read buffer underflow"); the broker
 * passes subscriptions through untouched, as Kafka does.
 */
const platformatic = await importClient('@platformatic/kafka', () => import('@platformatic/kafka'))

const availability = allOf(
  probe('kcat', ['-V']),
  probePythonModule('confluent_kafka'),
  probePythonModule('kafka'),
  platformatic.availability,
)

export function mixedGroupSuite(target: CompatTarget): void {
  describeGroupSuite('consumer groups mixing clients', availability, target, (scenario) => {
    it('shares a "range" group between kcat, confluent-kafka and kafka-python', async () => {
      const s = scenario()
      const assignor = await threeMembers(s, [kcatMember, confluentMember(), kafkaPythonMember()])
      expect(assignor).toBe('range')
    }, 180_000)

    it('settles on "roundrobin", the one assignor kafka-python and @platformatic/kafka share', async () => {
      const s = scenario()
      const assignor = await threeMembers(s, [kafkaPythonMember(), platformaticMember, kafkaPythonMember()])
      expect(assignor).toBe('roundrobin')
    }, 180_000)

    it('hands a kafka-python member partitions over to a confluent-kafka member when it leaves', async () => {
      const s = scenario()
      await splitThenLeave(s, confluentMember(), kafkaPythonMember())
    }, 180_000)

    it('refuses a member whose assignors the group does not share', async () => {
      const s = scenario()
      await s.start()
      const ranged = s.join(kafkaPythonMember('range'))
      await s.settled([ranged])
      const described = await s.describe()
      expect(described.protocolData).toBe('range')
      // @platformatic/kafka only offers roundrobin: INCONSISTENT_GROUP_PROTOCOL, and the group stays as it was
      const stranger = s.join(platformaticMember)
      await stranger.waitFor(() => /inconsistent/i.test(stranger.recentStderr), 'to be refused')
      const after = await s.describe()
      expect(after.groupState).toBe('Stable')
      expect(after.members).toHaveLength(1)
    }, 180_000)
  })
}
