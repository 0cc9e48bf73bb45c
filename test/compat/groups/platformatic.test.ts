import { platformaticGroupSuite } from './platformatic-groups.js'

/** Against the embedded broker's group coordinator; the scenarios are in support/group-scenarios.ts. */
platformaticGroupSuite('embedded')
