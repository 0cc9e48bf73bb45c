import type { CompatTarget } from '../support/broker.js'
import { probePythonModule } from '../support/external-client.js'
import { confluentMember } from './support/group-member.js'
import { describeGroupSuite, memberScenarios } from './support/group-suite.js'

/**
 * confluent-kafka (librdkafka) consumer groups: members in separate processes split a six-partition
 * topic, hand partitions over when one leaves or is killed, and resume from committed offsets after a
 * broker restart (support/group-scenarios.ts).
 */
export function confluentGroupSuite(target: CompatTarget): void {
  describeGroupSuite(
    'confluent-kafka (librdkafka) consumer groups',
    probePythonModule('confluent_kafka'),
    target,
    (scenario) => memberScenarios(scenario, confluentMember()),
  )
}
