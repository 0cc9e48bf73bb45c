import { failoverScenarios } from './failover-scenarios.js'

// the same body runs against the embedded 3-node cluster in failover.test.ts
failoverScenarios(['kafka'])
