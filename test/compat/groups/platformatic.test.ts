import { afterEach, it } from 'vitest'
import { describeWithClient } from '../support/external-client.js'
import { importClient } from '../support/npm-client.js'
import { platformaticMember } from './support/group-member.js'
import {
  GroupScenario,
  killedMember,
  resumeAfterRestart,
  splitThenLeave,
  threeMembers,
} from './support/group-scenarios.js'

/**
 * @platformatic/kafka against the embedded broker's group coordinator:
 * members in separate processes (support/group-scenarios.ts). Its only
 * assignor is "roundrobin", computed by whichever member leads.
 */
const { availability } = await importClient('@platformatic/kafka', () => import('@platformatic/kafka'))

describeWithClient('@platformatic/kafka consumer groups', availability, () => {
  let scenario: GroupScenario
  afterEach(async () => {
    await scenario.cleanup()
  })

  it('splits six partitions between two members, reads each record once, and hands over on leave', async () => {
    scenario = new GroupScenario()
    await splitThenLeave(scenario, platformaticMember, platformaticMember)
  }, 180_000)

  it('splits six partitions two each between three members', async () => {
    scenario = new GroupScenario()
    await threeMembers(scenario, [platformaticMember, platformaticMember, platformaticMember])
  }, 180_000)

  it("moves a killed member's partitions to the survivor after its session times out", async () => {
    scenario = new GroupScenario()
    await killedMember(scenario, platformaticMember)
  }, 180_000)

  it('resumes from committed offsets after a broker restart', async () => {
    scenario = new GroupScenario()
    await resumeAfterRestart(scenario, platformaticMember)
  }, 180_000)
})
