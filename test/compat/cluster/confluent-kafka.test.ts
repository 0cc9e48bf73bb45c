import { confluentClusterSuite } from './confluent-kafka-cluster.js'

/** Against the embedded 3-node test cluster; the scenario is in confluent-kafka-cluster.ts. */
confluentClusterSuite('embedded')
