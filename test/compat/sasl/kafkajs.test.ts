import { kafkajsSaslSuite } from './kafkajs-sasl.js'

/** kafkajs with SASL and TLS against the embedded broker; the scenario is in kafkajs-sasl.ts. */
kafkajsSaslSuite('embedded')
