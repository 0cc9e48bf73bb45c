import { confluentGroupSuite } from './confluent-kafka-groups.js'

/** Against Apache Kafka's group coordinator (test/kafka/), for reference; the scenarios are in support/group-scenarios.ts. */
confluentGroupSuite('kafka')
