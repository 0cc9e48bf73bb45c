import type { CompatTarget } from '../support/broker.js'
import { probePythonModule } from '../support/external-client.js'
import { kafkaPythonMember } from './support/group-member.js'
import { describeGroupSuite, memberScenarios } from './support/group-suite.js'

/**
 * kafka-python consumer groups: members in separate processes split a six-partition topic, hand
 * partitions over when one leaves or is killed, and resume from committed offsets after a broker
 * restart (support/group-scenarios.ts).
 */
export function kafkaPythonGroupSuite(target: CompatTarget): void {
  describeGroupSuite('kafka-python consumer groups', probePythonModule('kafka'), target, (scenario) =>
    memberScenarios(scenario, kafkaPythonMember()),
  )
}
