import { CONFLUENT_SUITE } from './support/python-clients.js'
import { pythonClientSuite } from './support/python-suite.js'

/** confluent-kafka (Python) against the embedded broker (support/python-clients.ts, support/python-suite.ts). */
pythonClientSuite({ ...CONFLUENT_SUITE, target: 'embedded' })
