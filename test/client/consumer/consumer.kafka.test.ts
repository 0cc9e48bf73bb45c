import { consumerScenarios } from './consumer-scenarios.js'

// the same bodies run against the embedded broker in consumer.test.ts
consumerScenarios(['kafka'])
