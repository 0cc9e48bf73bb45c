import { mixedGroupSuite } from './support/mixed-group-suite.js'

/** Against the embedded broker's group coordinator; the same bodies run against Kafka in mixed-cooperative-sticky.kafka.test.ts. */
mixedGroupSuite('embedded', 'cooperative-sticky')
