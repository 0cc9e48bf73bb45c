import { failoverScenarios } from './failover-scenarios.js'

// the same body runs against a 3-broker Apache Kafka in failover.kafka.test.ts
failoverScenarios(['embedded'])
