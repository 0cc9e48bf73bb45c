import { Kafka, logLevel } from 'kafkajs'
import { runChild } from '../../support/child-runtime.js'
import { LatencyProbe } from './latency-probe.js'
import type {
  LatencyChildConfig,
  LatencyConsumerConfig,
  LatencyConsumerReport,
  PacedProducerConfig,
  PacedProducerReport,
} from './latency-protocol.js'
import { producePaced } from './paced-producer.js'

/**
 * kafkajs on either side of the latency part. It has no linger: each of
 * the generator's bursts (every ~1 ms) is one send({ acks: -1, messages }),
 * not awaited, as an application batching by hand would. The consumer is
 * eachMessage on its defaults.
 */

async function produce(kafka: Kafka, config: PacedProducerConfig): Promise<PacedProducerReport> {
  const producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
  try {
    const { topic } = config
    return await producePaced(
      config,
      (values, ledger, sentAt) => {
        producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) }).then(
          () => ledger.ok(values.length, sentAt),
          (err) => ledger.fail(values.length, err),
        )
      },
      'send({ acks: -1, messages: burst }) per burst, not awaited, defaults otherwise',
    )
  } finally {
    await producer.disconnect()
  }
}

async function consume(kafka: Kafka, config: LatencyConsumerConfig): Promise<LatencyConsumerReport> {
  const probe = new LatencyProbe(config)
  const consumer = kafka.consumer({ groupId: config.groupId })
  consumer.on(consumer.events.GROUP_JOIN, () => probe.ready())
  await consumer.connect()
  await consumer.subscribe({ topics: [config.topic], fromBeginning: true })
  await consumer.run({
    eachMessage: async ({ partition, message }) =>
      probe.record(partition, Number(message.offset), message.value!),
  })
  await probe.untilDone()
  const report = probe.report('run({ eachMessage }), defaults')
  await consumer.disconnect()
  return report
}

await runChild(async (config: LatencyChildConfig): Promise<PacedProducerReport | LatencyConsumerReport> => {
  const kafka = new Kafka({
    clientId: `bench-kafkajs-${config.role}`,
    brokers: [config.bootstrap],
    logLevel: logLevel.ERROR,
  })
  return config.role === 'producer' ? produce(kafka, config) : consume(kafka, config)
})
