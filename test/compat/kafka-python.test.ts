import { KAFKA_PYTHON_SUITE } from './support/python-clients.js'
import { pythonClientSuite } from './support/python-suite.js'

/** kafka-python against the embedded broker (support/python-clients.ts, support/python-suite.ts). */
pythonClientSuite({ ...KAFKA_PYTHON_SUITE, target: 'embedded' })
