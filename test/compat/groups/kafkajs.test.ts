import { kafkajsGroupSuite } from './kafkajs-groups.js'

/** Against the embedded broker's group coordinator; the scenarios are in kafkajs-groups.ts. */
kafkajsGroupSuite('embedded')
