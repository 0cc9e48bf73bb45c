import { kafkajsClusterSuite } from './kafkajs-cluster.js'

/** Against a 3-node Apache Kafka cluster (test/kafka/), for reference; the scenario is in kafkajs-cluster.ts. */
kafkajsClusterSuite('kafka')
