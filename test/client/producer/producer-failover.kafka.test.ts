import { producerFailoverScenarios } from './producer-failover-scenarios.js'

// the same body runs against the embedded 3-node cluster in producer-failover.test.ts
producerFailoverScenarios(['kafka'])
