import { platformaticSuite } from './platformatic-suite.js'

/** @platformatic/kafka 1.x against the embedded broker; the scenario is in platformatic-suite.ts. */
platformaticSuite('embedded')
