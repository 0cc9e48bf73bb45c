import { Kafka, logLevel } from 'kafkajs'
import { runChild } from '../../support/child-runtime.js'
import { KeyedWork } from './keyed-handler.js'
import type { KeyedConfig, KeyedReport } from './keyed-protocol.js'

/**
 * kafkajs in the key-ordered part, for comparison: it has no key ordering,
 * only partitions processed side by side (partitionsConsumedConcurrently),
 * each one record at a time, so with 3 partitions at most 3 records run at
 * once whatever it is set to. Set to the part's concurrency anyway.
 */

await runChild(async (config: KeyedConfig): Promise<KeyedReport> => {
  const work = new KeyedWork(config)
  const kafka = new Kafka({
    clientId: 'bench-kafkajs-keyed',
    brokers: [config.bootstrap],
    logLevel: logLevel.ERROR,
  })
  const consumer = kafka.consumer({ groupId: config.groupId })
  await consumer.connect()
  await consumer.subscribe({ topics: [config.topic], fromBeginning: true })
  await consumer.run({
    partitionsConsumedConcurrently: config.concurrency,
    eachMessage: ({ message }) => work.handle(Number(message.value!.toString())),
  })
  await work.done
  const report = work.report(
    `run({ eachMessage: async work, partitionsConsumedConcurrently: ${config.concurrency} })`,
  )
  await consumer.disconnect()
  return report
})
