import { adminScenarios } from './admin-scenarios.js'

// the same bodies run against the embedded broker in admin.test.ts
adminScenarios(['kafka'], 1)
adminScenarios(['kafka'], 3)
