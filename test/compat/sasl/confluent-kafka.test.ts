import { confluentSaslSuite } from './confluent-kafka-sasl.js'

/** confluent-kafka with SASL and TLS against the embedded broker; the scenario is in confluent-kafka-sasl.ts. */
confluentSaslSuite('embedded')
