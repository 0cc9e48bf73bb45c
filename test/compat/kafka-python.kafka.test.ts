import { KAFKA_PYTHON_SUITE } from './support/python-clients.js'
import { pythonClientSuite } from './support/python-suite.js'

/** kafka-python against Apache Kafka (test/kafka/): the scenario of kafka-python.test.ts, for reference. */
pythonClientSuite({ ...KAFKA_PYTHON_SUITE, target: 'kafka' })
