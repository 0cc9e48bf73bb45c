import { confluentClusterSuite } from './confluent-kafka-cluster.js'

/** Against a 3-node Apache Kafka cluster (test/kafka/), for reference; the scenario is in confluent-kafka-cluster.ts. */
confluentClusterSuite('kafka')
