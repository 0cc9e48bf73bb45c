import { kafkajsClusterSuite } from './kafkajs-cluster.js'

/** Against the embedded 3-node test cluster; the scenario is in kafkajs-cluster.ts. */
kafkajsClusterSuite('embedded')
