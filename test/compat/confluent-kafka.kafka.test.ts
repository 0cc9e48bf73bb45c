import { CONFLUENT_SUITE } from './support/python-clients.js'
import { pythonClientSuite } from './support/python-suite.js'

/** confluent-kafka (Python) against Apache Kafka (test/kafka/): the scenario of confluent-kafka.test.ts, for reference. */
pythonClientSuite({ ...CONFLUENT_SUITE, target: 'kafka' })
