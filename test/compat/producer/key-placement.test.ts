import { keyPlacementSuite } from './key-placement-suite.js'

/** Sluice and the Java producer place keys alike, on the embedded broker (key-placement-suite.ts). */
keyPlacementSuite('embedded')
