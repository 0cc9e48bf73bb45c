import { kcatSuite } from './kcat-suite.js'

/** kcat against the embedded broker; the scenario is in kcat-suite.ts. */
kcatSuite('embedded')
