import { kcatGroupSuite } from './kcat-groups.js'

/** Against the embedded broker's group coordinator; the scenarios are in support/group-scenarios.ts. */
kcatGroupSuite('embedded')
