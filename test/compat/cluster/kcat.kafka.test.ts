import { kcatClusterSuite } from './kcat-cluster.js'

/** Against a 3-node Apache Kafka cluster (test/kafka/), for reference; the scenario is in kcat-cluster.ts. */
kcatClusterSuite('kafka')
