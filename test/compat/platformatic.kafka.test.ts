import { platformaticSuite } from './platformatic-suite.js'

/** @platformatic/kafka 1.x against Apache Kafka (test/kafka/): the scenario of platformatic.test.ts, for reference. */
platformaticSuite('kafka')
