import { kafkajsIdempotenceSuite } from './kafkajs-idempotence.js'

/** Against the embedded broker, losing answers through its closeAfterHandling fault; the scenario is in kafkajs-idempotence.ts. */
kafkajsIdempotenceSuite('embedded')
