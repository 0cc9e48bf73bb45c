import { Kafka } from '../../../src/index.js'
import { runChild, sampleMemory } from '../../support/child-runtime.js'
import { describeSluiceMetrics } from './sluice-metrics.js'
import { ThroughputProbe } from './throughput-probe.js'
import type { ThroughputConfig, ThroughputReport } from './throughput-protocol.js'

/**
 * The Sluice consumer reading the topic from the beginning, driven one of
 * two ways (config.mode):
 *   'run'    consumer.run(handler) with ordering 'partition', concurrency 3
 *            (one record at a time per partition, the three side by side) and
 *            a synchronous handler that only counts;
 *   'batch'  consumer.runBatch(handler) on its defaults (500 records, 100 ms),
 *            concurrency 3, counting each batch's records.
 * Everything else is the consumer's defaults.
 */

await runChild(async (config: ThroughputConfig): Promise<ThroughputReport> => {
  const probe = new ThroughputProbe(config)
  const sampler = sampleMemory()
  const kafka = new Kafka({ brokers: config.bootstrap, clientId: 'bench-sluice', logger: 'warn' })
  const consumer = kafka.consumer({
    groupId: config.groupId,
    topics: [config.topic],
    fromBeginning: true,
    ordering: 'partition',
    concurrency: 3,
  })
  const running =
    config.mode === 'batch'
      ? consumer.runBatch(({ partition, messages }) => {
          for (let i = 0; i < messages.length; i++) probe.record(partition, Number(messages[i].offset))
        })
      : consumer.run((message) => probe.record(message.partition, Number(message.offset)))
  // a failure that stops the consumer must end the wait too
  await Promise.race([probe.reached, running.then(() => Promise.reject(new Error('run() ended early')))])
  probe.stop()
  const memory = sampler.stop()
  const detail = describeSluiceMetrics(consumer.metrics())
  await consumer.close()
  await running
  return probe.report(
    config.mode === 'batch'
      ? "runBatch(count, defaults: maxRecords 500, maxWaitMs 100), ordering 'partition', concurrency 3"
      : "run(synchronous count), ordering 'partition', concurrency 3",
    { detail, memory },
  )
})
