import { afterAll, afterEach, beforeAll, it } from 'vitest'
import { BrokerHarness, type CompatBroker, type CompatTarget } from '../../support/broker.js'
import { type Availability, describeWithClient } from '../../support/external-client.js'
import type { MemberFactory } from './group-member.js'
import {
  GROUP_BROKER_OPTIONS,
  GroupScenario,
  killedMember,
  resumeAfterRestart,
  splitThenLeave,
  threeMembers,
} from './group-scenarios.js'

/**
 * A consumer-group suite against one target. `scenario()` gives a test a
 * fresh GroupScenario, cleaned up after the test: against the embedded
 * broker each has its own broker; against Apache Kafka they share the file's
 * one Kafka, started in beforeAll.
 */
export function describeGroupSuite(
  name: string,
  availability: Availability,
  target: CompatTarget,
  body: (scenario: () => GroupScenario) => void,
): void {
  describeWithClient(target === 'kafka' ? `${name} [kafka]` : name, availability, () => {
    const harness = new BrokerHarness(target)
    let shared: CompatBroker | undefined
    let current: GroupScenario | undefined
    if (target === 'kafka') {
      beforeAll(async () => {
        shared = await harness.start({ broker: GROUP_BROKER_OPTIONS })
      }, 180_000)
      afterAll(() => harness.cleanup())
    }
    afterEach(async () => {
      await current?.cleanup()
      current = undefined
    })
    body(() => {
      if (target === 'kafka' && !shared) throw new Error('the shared Kafka did not start')
      current = new GroupScenario(shared)
      return current
    })
  })
}

const SCENARIO_MS = 180_000

/** The four scenarios every client runs with members of its own kind (support/group-scenarios.ts). */
export function memberScenarios(scenario: () => GroupScenario, member: MemberFactory): void {
  it(
    'splits six partitions between two members, reads each record once, and hands over on leave',
    () => splitThenLeave(scenario(), member, member),
    SCENARIO_MS,
  )

  it(
    'splits six partitions two each between three members',
    async () => {
      await threeMembers(scenario(), [member, member, member])
    },
    SCENARIO_MS,
  )

  it(
    "moves a killed member's partitions to the survivor after its session times out",
    () => killedMember(scenario(), member),
    SCENARIO_MS,
  )

  it(
    'resumes from committed offsets after a broker restart',
    () => resumeAfterRestart(scenario(), member),
    SCENARIO_MS,
  )
}
