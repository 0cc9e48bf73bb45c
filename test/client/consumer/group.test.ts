import { groupScenarios } from './group-scenarios.js'

// the same bodies run against Apache Kafka in group.kafka.test.ts
groupScenarios(['embedded'])
