import { kafkaPythonSaslSuite } from './kafka-python-sasl.js'

/** kafka-python with SASL and TLS against Apache Kafka (test/kafka/): the scenario of kafka-python.test.ts, for reference. */
kafkaPythonSaslSuite('kafka')
