import { confluentIdempotenceSuite } from './confluent-kafka-idempotence.js'

/** Against the embedded broker, losing answers through its closeAfterHandling fault; the scenario is in confluent-kafka-idempotence.ts. */
confluentIdempotenceSuite('embedded')
