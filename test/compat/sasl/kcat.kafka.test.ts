import { kcatSaslSuite } from './kcat-sasl.js'

/** kcat with SASL and TLS against Apache Kafka (test/kafka/): the scenario of kcat.test.ts, for reference. */
kcatSaslSuite('kafka')
