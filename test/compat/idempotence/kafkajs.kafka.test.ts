import { kafkajsIdempotenceSuite } from './kafkajs-idempotence.js'

/** Against Apache Kafka (test/kafka/) behind a proxy that loses answers, for reference; the scenario is in kafkajs-idempotence.ts. */
kafkajsIdempotenceSuite('kafka')
