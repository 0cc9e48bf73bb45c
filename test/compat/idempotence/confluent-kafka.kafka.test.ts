import { confluentIdempotenceSuite } from './confluent-kafka-idempotence.js'

/** Against Apache Kafka (test/kafka/) behind a proxy that loses answers, for reference; the scenario is in confluent-kafka-idempotence.ts. */
confluentIdempotenceSuite('kafka')
