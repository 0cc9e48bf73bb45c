import { platformaticIdempotenceSuite } from './platformatic-idempotence.js'

/** Against Apache Kafka (test/kafka/) behind a proxy that loses answers, for reference; the scenario is in platformatic-idempotence.ts. */
platformaticIdempotenceSuite('kafka')
