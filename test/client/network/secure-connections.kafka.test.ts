import { secureScenarios } from './secure-connections.js'

// the same bodies run against the embedded broker in secure-connections.test.ts
secureScenarios(['kafka'])
