import { kafkajsSaslSuite } from './kafkajs-sasl.js'

/** kafkajs with SASL and TLS against Apache Kafka (test/kafka/): the scenario of kafkajs.test.ts, for reference. */
kafkajsSaslSuite('kafka')
