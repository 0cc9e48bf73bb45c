import { mixedGroupSuite } from './support/mixed-group-suite.js'

/** Against Apache Kafka's group coordinator, the reference; the same bodies run embedded in mixed-cooperative-sticky.test.ts. */
mixedGroupSuite('kafka', 'cooperative-sticky')
