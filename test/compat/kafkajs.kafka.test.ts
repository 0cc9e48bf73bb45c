import { kafkajsSuite } from './kafkajs-suite.js'

/** kafkajs 2.2.4 against Apache Kafka (test/kafka/): the scenario of kafkajs.test.ts, for reference. */
kafkajsSuite('kafka')
