import { kafkajsGroupSuite } from './kafkajs-groups.js'

/** Against Apache Kafka's group coordinator (test/kafka/), for reference; the scenarios are in kafkajs-groups.ts. */
kafkajsGroupSuite('kafka')
