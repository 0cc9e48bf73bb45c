import { keyPlacementSuite } from './key-placement-suite.js'

/** Sluice and the Java producer place keys alike, on Apache Kafka (test/kafka/): key-placement.test.ts, for reference. */
keyPlacementSuite('kafka')
