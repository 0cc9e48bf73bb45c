import { secureScenarios } from './secure-connections.js'

// the same bodies run against Apache Kafka in secure-connections.kafka.test.ts
secureScenarios(['embedded'])
