import { mixedGroupSuite } from './support/mixed-group-suite.js'

/** Against the embedded broker's group coordinator; the same bodies run against Kafka in mixed-range.kafka.test.ts. */
mixedGroupSuite('embedded', 'range')
