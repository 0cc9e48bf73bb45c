import { kafkaPythonGroupSuite } from './kafka-python-groups.js'

/** Against the embedded broker's group coordinator; the scenarios are in support/group-scenarios.ts. */
kafkaPythonGroupSuite('embedded')
