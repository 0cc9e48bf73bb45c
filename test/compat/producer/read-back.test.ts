import { readBackSuite } from './read-back-suite.js'

/** Sluice's producer writing to the embedded broker, read back by other clients (read-back-suite.ts). */
readBackSuite('embedded')
