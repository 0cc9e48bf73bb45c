import { Kafka, logLevel } from 'kafkajs'
import { type ChildReport, peakRssBytes, readValues, runChild, startWindow } from './child-protocol.js'
import { sendInChunks } from './chunked-sends.js'

/**
 * kafkajs the way its documentation batches: `producer.send({ topic, acks,
 * messages })` with an array of records per call, several calls in flight
 * for acks 1. With idempotence kafkajs wants one request in flight
 * (maxInFlightRequests: 1, as its docs say for ordering), so one call at a
 * time there.
 */

await runChild(async (config): Promise<ChildReport> => {
  const values = readValues(config.valuesFile)
  const chunk = Number(config.tuning.chunk ?? 10_000)
  const concurrency = config.idempotent ? 1 : Number(config.tuning.concurrency ?? 4)
  const timer = startWindow()
  const kafka = new Kafka({
    clientId: 'bench-kafkajs',
    brokers: [config.bootstrap],
    logLevel: logLevel.ERROR,
  })
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: config.idempotent,
    ...(config.idempotent ? { maxInFlightRequests: 1 } : {}),
  })
  await producer.connect()
  const acks = config.acks === 'all' ? -1 : 1
  const outcome = await sendInChunks(config.records, chunk, concurrency, (first, count) => {
    const messages = new Array(count)
    for (let i = 0; i < count; i++) messages[i] = { value: values[(first + i) % values.length] }
    return producer.send({ topic: config.topic, acks, messages })
  })
  const { seconds, cpuSeconds } = timer.finish()
  await producer.disconnect()
  return {
    ...outcome,
    seconds,
    cpuSeconds,
    peakRssBytes: peakRssBytes(),
    method: `send({ messages }) with ${chunk} records per call, ${concurrency} call(s) in flight${config.idempotent ? ', maxInFlightRequests 1' : ''}`,
  }
})
