import type { CompatTarget } from '../support/broker.js'
import { probe } from '../support/external-client.js'
import { kcatMember } from './support/group-member.js'
import { describeGroupSuite, memberScenarios } from './support/group-suite.js'

/**
 * kcat -G (librdkafka's balanced consumer) in consumer groups: members in separate processes split a
 * six-partition topic, hand partitions over when one leaves or is killed, and resume from committed
 * offsets after a broker restart (support/group-scenarios.ts).
 */
export function kcatGroupSuite(target: CompatTarget): void {
  describeGroupSuite("kcat -G (librdkafka's balanced consumer)", probe('kcat', ['-V']), target, (scenario) =>
    memberScenarios(scenario, kcatMember),
  )
}
