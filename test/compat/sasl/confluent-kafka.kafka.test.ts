import { confluentSaslSuite } from './confluent-kafka-sasl.js'

/** confluent-kafka with SASL and TLS against Apache Kafka (test/kafka/): the scenario of confluent-kafka.test.ts, for reference. */
confluentSaslSuite('kafka')
