import { producerFailoverScenarios } from './producer-failover-scenarios.js'

// the same body runs against a 3-broker Apache Kafka in producer-failover.kafka.test.ts
producerFailoverScenarios(['embedded'])
