import { Kafka } from '../../../src/index.js'
import { runChild } from '../../support/child-runtime.js'
import { KeyedWork } from './keyed-handler.js'
import type { KeyedConfig, KeyedReport } from './keyed-protocol.js'

/** The Sluice consumer in the key-ordered part: ordering 'key', concurrency 100, an async handler. */

await runChild(async (config: KeyedConfig): Promise<KeyedReport> => {
  const work = new KeyedWork(config)
  const kafka = new Kafka({ brokers: config.bootstrap, clientId: 'bench-sluice-keyed', logger: 'warn' })
  const consumer = kafka.consumer({
    groupId: config.groupId,
    topics: [config.topic],
    fromBeginning: true,
    ordering: 'key',
    concurrency: config.concurrency,
    valueDeserializer: 'string',
  })
  const running = consumer.run((message) => work.handle(Number(message.value)))
  await Promise.race([work.done, running.then(() => Promise.reject(new Error('run() ended early')))])
  const report = work.report(`run(async work), ordering 'key', concurrency ${config.concurrency}`)
  await consumer.close()
  await running
  return report
})
