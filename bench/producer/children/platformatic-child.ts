import { ProduceAcks, Producer } from '@platformatic/kafka'
import { type ChildReport, peakRssBytes, readValues, runChild, startWindow } from './child-protocol.js'
import { sendInChunks } from './chunked-sends.js'

/**
 * @platformatic/kafka the way its README produces: `producer.send({ messages })`
 * with an array of records per call, several calls in flight for acks 1.
 * Its idempotent producer allows one request in flight (it sets maxInflights
 * to 1 itself), so one call at a time there.
 */

await runChild(async (config): Promise<ChildReport> => {
  const values = readValues(config.valuesFile)
  const chunk = Number(config.tuning.chunk ?? 10_000)
  const concurrency = config.idempotent ? 1 : Number(config.tuning.concurrency ?? 4)
  const timer = startWindow()
  const producer = new Producer({
    clientId: 'bench-platformatic',
    bootstrapBrokers: [config.bootstrap],
    acks: config.acks === 'all' ? ProduceAcks.ALL : ProduceAcks.LEADER,
    idempotent: config.idempotent,
    autocreateTopics: false,
  })
  const { topic } = config
  const outcome = await sendInChunks(config.records, chunk, concurrency, (first, count) => {
    const messages = new Array(count)
    for (let i = 0; i < count; i++) messages[i] = { topic, value: values[(first + i) % values.length] }
    return producer.send({ messages })
  })
  const { seconds, cpuSeconds } = timer.finish()
  await producer.close()
  return {
    ...outcome,
    seconds,
    cpuSeconds,
    peakRssBytes: peakRssBytes(),
    method: `send({ messages }) with ${chunk} records per call, ${concurrency} call(s) in flight`,
  }
})
