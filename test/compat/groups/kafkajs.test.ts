import { afterEach, expect, it } from 'vitest'
import { describeWithClient } from '../support/external-client.js'
import { importClient } from '../support/npm-client.js'
import { kafkajsMember } from './support/group-member.js'
import {
  GroupScenario,
  killedMember,
  resumeAfterRestart,
  splitThenLeave,
  threeMembers,
} from './support/group-scenarios.js'

/**
 * kafkajs against the embedded broker's group coordinator: members in
 * separate processes (support/group-scenarios.ts), plus kafkajs's admin
 * client describing, listing, reading and deleting groups in this process.
 */
const { module: kafkajs, availability } = await importClient('kafkajs', () => import('kafkajs'))

describeWithClient('kafkajs consumer groups', availability, () => {
  let scenario: GroupScenario
  afterEach(async () => {
    await scenario.cleanup()
  })

  it('splits six partitions between two members, reads each record once, and hands over on leave', async () => {
    scenario = new GroupScenario()
    await splitThenLeave(scenario, kafkajsMember, kafkajsMember)
  }, 180_000)

  it('splits six partitions two each between three members', async () => {
    scenario = new GroupScenario()
    await threeMembers(scenario, [kafkajsMember, kafkajsMember, kafkajsMember])
  }, 180_000)

  it("moves a killed member's partitions to the survivor after its session times out", async () => {
    scenario = new GroupScenario()
    await killedMember(scenario, kafkajsMember)
  }, 180_000)

  it('resumes from committed offsets after a broker restart', async () => {
    scenario = new GroupScenario()
    await resumeAfterRestart(scenario, kafkajsMember)
  }, 180_000)

  it('describes, lists, reads the offsets of, and deletes groups through its admin client', async () => {
    scenario = new GroupScenario()
    await scenario.start()
    const member = scenario.join(kafkajsMember)
    await scenario.settled([member])
    const values = await scenario.produce('admin', 10)
    await scenario.consumed([member], values)
    await scenario.committedToEnd()

    const { Kafka, logLevel } = kafkajs!
    const admin = new Kafka({ brokers: [scenario.broker.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      const listed = await admin.listGroups()
      expect(listed.groups).toContainEqual({ groupId: scenario.group, protocolType: 'consumer' })
      const [described] = (await admin.describeGroups([scenario.group])).groups
      expect(described).toMatchObject({ groupId: scenario.group, state: 'Stable', protocolType: 'consumer' })
      expect(described.members).toHaveLength(1)
      expect(described.members[0].clientId).toBe('kafkajs-member')
      const offsets = await admin.fetchOffsets({ groupId: scenario.group, topics: [scenario.topic] })
      expect(offsets[0].partitions.map((p) => p.offset).sort()).toEqual(Array(6).fill('10'))
      await expect(admin.deleteGroups([scenario.group])).rejects.toThrow()
      await member.stop()
      expect((await admin.describeGroups([scenario.group])).groups[0].state).toBe('Empty')
      expect(await admin.deleteGroups([scenario.group])).toEqual([{ groupId: scenario.group, errorCode: 0 }])
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(scenario.group)
    } finally {
      await admin.disconnect()
    }
  }, 180_000)
})
