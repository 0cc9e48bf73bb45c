import { producerScenarios } from './producer-scenarios.js'

// the same bodies run against Apache Kafka in producer.kafka.test.ts
producerScenarios(['embedded'])
