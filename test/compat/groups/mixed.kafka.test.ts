import { mixedGroupSuite } from './mixed-groups.js'

/** Against Apache Kafka's group coordinator (test/kafka/), for reference; the scenarios are in mixed-groups.ts. */
mixedGroupSuite('kafka')
