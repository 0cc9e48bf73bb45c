import { afterEach, it } from 'vitest'
import { describeWithClient, probe } from '../support/external-client.js'
import { kcatMember } from './support/group-member.js'
import {
  GroupScenario,
  killedMember,
  resumeAfterRestart,
  splitThenLeave,
  threeMembers,
} from './support/group-scenarios.js'

/**
 * kcat -G (librdkafka's balanced consumer) against the embedded broker's group coordinator: members
 * in separate processes split a six-partition topic, hand partitions over
 * when one leaves or is killed, and resume from committed offsets after a
 * broker restart (see support/group-scenarios.ts).
 */
const member = kcatMember

describeWithClient("kcat -G (librdkafka's balanced consumer)", probe('kcat', ['-V']), () => {
  let scenario: GroupScenario
  afterEach(async () => {
    await scenario.cleanup()
  })

  it('splits six partitions between two members, reads each record once, and hands over on leave', async () => {
    scenario = new GroupScenario()
    await splitThenLeave(scenario, member, member)
  }, 180_000)

  it('splits six partitions two each between three members', async () => {
    scenario = new GroupScenario()
    await threeMembers(scenario, [member, member, member])
  }, 180_000)

  it("moves a killed member's partitions to the survivor after its session times out", async () => {
    scenario = new GroupScenario()
    await killedMember(scenario, member)
  }, 180_000)

  it('resumes from committed offsets after a broker restart', async () => {
    scenario = new GroupScenario()
    await resumeAfterRestart(scenario, member)
  }, 180_000)
})
