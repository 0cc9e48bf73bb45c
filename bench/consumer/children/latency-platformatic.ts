import { Consumer, ProduceAcks, Producer } from '@platformatic/kafka'
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
 * @platformatic/kafka on either side of the latency part. It has no
 * linger: each of the generator's bursts is one send({ messages }) with
 * acks all, not awaited. The consumer is its consume() stream on its
 * defaults.
 */

async function produce(config: PacedProducerConfig): Promise<PacedProducerReport> {
  const producer = new Producer({
    clientId: 'bench-platformatic-producer',
    bootstrapBrokers: [config.bootstrap],
    acks: ProduceAcks.ALL,
    autocreateTopics: false,
  })
  try {
    const { topic } = config
    return await producePaced(
      config,
      (values, ledger, sentAt) => {
        producer.send({ messages: values.map((value) => ({ topic, value })) }).then(
          () => ledger.ok(values.length, sentAt),
          (err) => ledger.fail(values.length, err),
        )
      },
      'send({ messages: burst }) per burst, not awaited, acks ALL, defaults otherwise',
    )
  } finally {
    await producer.close()
  }
}

async function consume(config: LatencyConsumerConfig): Promise<LatencyConsumerReport> {
  const probe = new LatencyProbe(config)
  const consumer = new Consumer({
    clientId: 'bench-platformatic-consumer',
    groupId: config.groupId,
    bootstrapBrokers: [config.bootstrap],
  })
  consumer.on('consumer:group:join', () => probe.ready())
  const stream = await consumer.consume({ topics: [config.topic], mode: 'earliest' })
  stream.on('data', (m) => probe.record(m.partition, Number(m.offset), m.value as Buffer))
  const failed = new Promise<never>((_, reject) => stream.once('error', reject))
  await Promise.race([probe.untilDone(), failed])
  const report = probe.report("consume({ topics, mode: 'earliest' }) stream, 'data' events, defaults")
  await stream.close()
  await consumer.close()
  return report
}

await runChild(
  async (config: LatencyChildConfig): Promise<PacedProducerReport | LatencyConsumerReport> =>
    config.role === 'producer' ? produce(config) : consume(config),
)
