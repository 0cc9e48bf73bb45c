import { readBackSuite } from './read-back-suite.js'

/** Sluice's producer writing to Apache Kafka (test/kafka/), read back by other clients: read-back.test.ts, for reference. */
readBackSuite('kafka')
