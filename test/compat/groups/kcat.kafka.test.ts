import { kcatGroupSuite } from './kcat-groups.js'

/** Against Apache Kafka's group coordinator (test/kafka/), for reference; the scenarios are in support/group-scenarios.ts. */
kcatGroupSuite('kafka')
