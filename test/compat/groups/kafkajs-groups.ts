import { expect, it } from 'vitest'
import type { CompatTarget } from '../support/broker.js'
import { importClient } from '../support/npm-client.js'
import { kafkajsMember } from './support/group-member.js'
import { describeGroupSuite, memberScenarios } from './support/group-suite.js'

/**
 * kafkajs in consumer groups: members in separate processes
 * (support/group-scenarios.ts), plus kafkajs's admin client describing,
 * listing, reading and deleting groups in this process.
 */
const { module: kafkajs, availability } = await importClient('kafkajs', () => import('kafkajs'))

export function kafkajsGroupSuite(target: CompatTarget): void {
  describeGroupSuite('kafkajs consumer groups', availability, target, (scenario) => {
    memberScenarios(scenario, kafkajsMember)

    it('describes, lists, reads the offsets of, and deletes groups through its admin client', async () => {
      const s = scenario()
      await s.start()
      const member = s.join(kafkajsMember)
      await s.settled([member])
      const values = await s.produce('admin', 10)
      await s.consumed([member], values)
      await s.committedToEnd()

      const { Kafka, logLevel } = kafkajs!
      const admin = new Kafka({ brokers: [s.broker.bootstrap], logLevel: logLevel.NOTHING }).admin()
      await admin.connect()
      try {
        const listed = await admin.listGroups()
        expect(listed.groups).toContainEqual({ groupId: s.group, protocolType: 'consumer' })
        const [described] = (await admin.describeGroups([s.group])).groups
        expect(described).toMatchObject({ groupId: s.group, state: 'Stable', protocolType: 'consumer' })
        expect(described.members).toHaveLength(1)
        expect(described.members[0].clientId).toBe('kafkajs-member')
        const offsets = await admin.fetchOffsets({ groupId: s.group, topics: [s.topic] })
        expect(offsets[0].partitions.map((p) => p.offset).sort()).toEqual(Array(6).fill('10'))
        await expect(admin.deleteGroups([s.group])).rejects.toThrow()
        await member.stop()
        expect((await admin.describeGroups([s.group])).groups[0].state).toBe('Empty')
        expect(await admin.deleteGroups([s.group])).toEqual([{ groupId: s.group, errorCode: 0 }])
        expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(s.group)
      } finally {
        await admin.disconnect()
      }
    }, 180_000)
  })
}
