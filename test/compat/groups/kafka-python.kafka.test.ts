import { kafkaPythonGroupSuite } from './kafka-python-groups.js'

/** Against Apache Kafka's group coordinator (test/kafka/), for reference; the scenarios are in support/group-scenarios.ts. */
kafkaPythonGroupSuite('kafka')
