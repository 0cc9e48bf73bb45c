import { kcatSuite } from './kcat-suite.js'

/** kcat against Apache Kafka (test/kafka/): the same scenario as kcat.test.ts, for reference. */
kcatSuite('kafka')
