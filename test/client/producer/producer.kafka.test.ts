import { producerScenarios } from './producer-scenarios.js'

// the same bodies run against the embedded broker in producer.test.ts
producerScenarios(['kafka'])
