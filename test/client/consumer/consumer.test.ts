import { consumerScenarios } from './consumer-scenarios.js'

// the same bodies run against Apache Kafka in consumer.kafka.test.ts
consumerScenarios(['embedded'])
