import { platformaticIdempotenceSuite } from './platformatic-idempotence.js'

/** Against the embedded broker, losing answers through its closeAfterHandling fault; the scenario is in platformatic-idempotence.ts. */
platformaticIdempotenceSuite('embedded')
