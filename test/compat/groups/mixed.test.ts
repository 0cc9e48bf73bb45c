import { mixedGroupSuite } from './mixed-groups.js'

/** Against the embedded broker's group coordinator; the scenarios are in mixed-groups.ts. */
mixedGroupSuite('embedded')
