import { kcatSaslSuite } from './kcat-sasl.js'

/** kcat with SASL and TLS against the embedded broker; the scenario is in kcat-sasl.ts. */
kcatSaslSuite('embedded')
