import { adminScenarios } from './admin-scenarios.js'

// the same bodies run against Apache Kafka in admin.kafka.test.ts
adminScenarios(['embedded'], 1)
adminScenarios(['embedded'], 3)
