import { confluentGroupSuite } from './confluent-kafka-groups.js'

/** Against the embedded broker's group coordinator; the scenarios are in support/group-scenarios.ts. */
confluentGroupSuite('embedded')
