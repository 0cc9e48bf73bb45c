import type { CompatTarget } from '../support/broker.js'
import { importClient } from '../support/npm-client.js'
import { platformaticMember } from './support/group-member.js'

const { availability } = await importClient('@platformatic/kafka', () => import('@platformatic/kafka'))

import { describeGroupSuite, memberScenarios } from './support/group-suite.js'

/**
 * @platformatic/kafka consumer groups: members in separate processes (support/group-scenarios.ts).
 * Its only assignor is "roundrobin", computed by whichever member leads.
 */
export function platformaticGroupSuite(target: CompatTarget): void {
  describeGroupSuite('@platformatic/kafka consumer groups', availability, target, (scenario) =>
    memberScenarios(scenario, platformaticMember),
  )
}
