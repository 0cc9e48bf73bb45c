import { Kafka } from '../../../src/index.js'
import { peakRssBytes, runChild, startWindow } from '../../support/child-runtime.js'
import { LatencyProbe } from './latency-probe.js'
import type {
  LatencyChildConfig,
  LatencyConsumerConfig,
  LatencyConsumerReport,
  PacedProducerConfig,
  PacedProducerReport,
} from './latency-protocol.js'
import { latencyValue } from './latency-value.js'
import { producePaced } from './paced-producer.js'

/**
 * Sluice on either side of the latency part (config.role), and the
 * producer of the overload part:
 *   producer  kafka.producer({ acks: 'all', lingerMs: 5 }), send() per record, not awaited,
 *             in the paced generator's bursts; with rate 0, sendAll() as fast as it goes
 *             until the time is up;
 *   consumer  kafka.consumer({ ordering: 'partition', concurrency: 3 }).run(sync handler).
 */

async function unthrottled(
  producer: ReturnType<Kafka['producer']>,
  config: PacedProducerConfig,
): Promise<PacedProducerReport> {
  const window = startWindow()
  const deadline = performance.now() + config.durationMs
  let sent = 0
  function* source() {
    while (performance.now() < deadline) yield { topic: config.topic, value: latencyValue(sent++, true) }
  }
  let acknowledged = 0
  let failed = 0
  let firstError: string | undefined
  for await (const result of producer.sendAll(source(), { maxInFlight: 10_000 })) {
    if (result.error) {
      failed++
      firstError ??= String(result.error.message)
    } else acknowledged++
  }
  const { seconds, cpuSeconds } = window.finish()
  return {
    sent,
    acknowledged,
    failed,
    ...(firstError ? { firstError } : {}),
    seconds,
    cpuSeconds,
    peakRssBytes: peakRssBytes(),
    method: "sendAll(source until the time is up, { maxInFlight: 10000 }), acks 'all', lingerMs 5",
  }
}

async function produce(kafka: Kafka, config: PacedProducerConfig): Promise<PacedProducerReport> {
  const producer = kafka.producer({ acks: 'all', lingerMs: 5 })
  try {
    if (config.rate === 0) return await unthrottled(producer, config)
    const { topic } = config
    return await producePaced(
      config,
      (values, ledger, sentAt) => {
        for (const value of values) {
          producer.send({ topic, value }).then(
            () => ledger.ok(1, sentAt),
            (err) => ledger.fail(1, err),
          )
        }
      },
      "send() per record, not awaited, acks 'all', lingerMs 5 (idempotent, the default with acks all)",
    )
  } finally {
    await producer.close()
  }
}

async function consume(kafka: Kafka, config: LatencyConsumerConfig): Promise<LatencyConsumerReport> {
  const probe = new LatencyProbe(config)
  const consumer = kafka.consumer({
    groupId: config.groupId,
    topics: [config.topic],
    fromBeginning: true,
    ordering: 'partition',
    concurrency: 3,
  })
  consumer.on('rebalance', (event) => {
    if (event.type === 'assigned' && event.partitions.length > 0) probe.ready()
  })
  const running = consumer.run((m) => probe.record(m.partition, Number(m.offset), m.value as Buffer))
  await Promise.race([probe.untilDone(), running.then(() => Promise.reject(new Error('run() ended early')))])
  const report = probe.report("run(sync handler), ordering 'partition', concurrency 3, defaults otherwise")
  await consumer.close()
  await running
  return report
}

await runChild(async (config: LatencyChildConfig): Promise<PacedProducerReport | LatencyConsumerReport> => {
  const kafka = new Kafka({
    brokers: config.bootstrap,
    clientId: `bench-sluice-${config.role}`,
    logger: 'warn',
  })
  return config.role === 'producer' ? produce(kafka, config) : consume(kafka, config)
})
