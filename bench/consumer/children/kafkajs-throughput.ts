import { Kafka, logLevel } from 'kafkajs'
import { runChild } from '../../support/child-runtime.js'
import { ThroughputProbe } from './throughput-probe.js'
import type { ThroughputConfig, ThroughputReport } from './throughput-protocol.js'

/**
 * kafkajs reading the topic from the beginning the two ways its
 * documentation offers: eachBatch (a fetched batch per call, resolved
 * automatically) and eachMessage (one record per call, awaited). Its
 * defaults otherwise: one partition at a time (partitionsConsumedConcurrently
 * 1), maxBytesPerPartition 1 MiB, maxBytes 10 MiB.
 */

await runChild(async (config: ThroughputConfig): Promise<ThroughputReport> => {
  const probe = new ThroughputProbe(config)
  const kafka = new Kafka({
    clientId: 'bench-kafkajs',
    brokers: [config.bootstrap],
    logLevel: logLevel.ERROR,
  })
  const consumer = kafka.consumer({ groupId: config.groupId })
  await consumer.connect()
  await consumer.subscribe({ topics: [config.topic], fromBeginning: true })
  await consumer.run(
    config.mode === 'message'
      ? { eachMessage: async ({ partition, message }) => probe.record(partition, Number(message.offset)) }
      : {
          eachBatch: async ({ batch: { partition, messages } }) => {
            for (let i = 0; i < messages.length; i++) probe.record(partition, Number(messages[i].offset))
          },
        },
  )
  await probe.reached
  probe.stop()
  await consumer.disconnect()
  return probe.report(
    config.mode === 'message' ? 'run({ eachMessage }), defaults' : 'run({ eachBatch }), defaults',
  )
})
