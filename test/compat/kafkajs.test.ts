import { kafkajsSuite } from './kafkajs-suite.js'

/** kafkajs 2.2.4 against the embedded broker; the scenario is in kafkajs-suite.ts. */
kafkajsSuite('embedded')
