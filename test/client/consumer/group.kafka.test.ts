import { groupScenarios } from './group-scenarios.js'

// the same bodies run against the embedded broker in group.test.ts
groupScenarios(['kafka'])
