import { kafkaPythonSaslSuite } from './kafka-python-sasl.js'

/** kafka-python with SASL and TLS against the embedded broker; the scenario is in kafka-python-sasl.ts. */
kafkaPythonSaslSuite('embedded')
