import { Kafka } from '../../../src/index.js'
import {
  type ChildConfig,
  type ChildReport,
  peakRssBytes,
  readValues,
  runChild,
  sampleMemory,
  startWindow,
} from './child-protocol.js'

/**
 * The Sluice producer, driven one of two ways (tuning.mode):
 *   'send-all'  producer.sendAll(source, { maxInFlight }): one result per record, in order;
 *   'send'      producer.send(record) per record without awaiting it, at most `window`
 *               unsettled (a program that awaited none would hold a million promises).
 * tuning.options are passed to kafka.producer() on top of acks and idempotent.
 */

// the options type through the public entry point, which does not name it (yet)
type ProducerOptions = NonNullable<Parameters<Kafka['producer']>[0]>

interface Outcome {
  acknowledged: number
  failed: number
  firstError?: string
}

function noteFailure(outcome: Outcome, error: unknown): void {
  outcome.failed++
  outcome.firstError ??= String((error as Error)?.message ?? error)
}

async function viaSendAll(
  producer: ReturnType<Kafka['producer']>,
  config: ChildConfig,
  values: Buffer[],
  maxInFlight: number,
): Promise<Outcome> {
  const { topic, records } = config
  function* source() {
    for (let i = 0; i < records; i++) yield { topic, value: values[i % values.length] }
  }
  const outcome: Outcome = { acknowledged: 0, failed: 0 }
  for await (const result of producer.sendAll(source(), { maxInFlight })) {
    if (result.error) noteFailure(outcome, result.error)
    else outcome.acknowledged++
  }
  return outcome
}

async function viaSend(
  producer: ReturnType<Kafka['producer']>,
  config: ChildConfig,
  values: Buffer[],
  window: number,
): Promise<Outcome> {
  const { topic, records } = config
  const outcome: Outcome = { acknowledged: 0, failed: 0 }
  let unsettled = 0
  let wake: (() => void) | undefined
  // refill from half a window, so the loop does not wake for every single acknowledgement
  const lowWater = window >> 1
  const settled = () => {
    unsettled--
    if (wake && unsettled <= lowWater) {
      const resume = wake
      wake = undefined
      resume()
    }
  }
  const ok = () => {
    outcome.acknowledged++
    settled()
  }
  const failed = (error: unknown) => {
    noteFailure(outcome, error)
    settled()
  }
  for (let i = 0; i < records; i++) {
    unsettled++
    producer.send({ topic, value: values[i % values.length] }).then(ok, failed)
    if (unsettled >= window) {
      await new Promise<void>((resolve) => {
        wake = resolve
      })
    }
  }
  while (unsettled > 0) {
    await new Promise<void>((resolve) => {
      wake = resolve
    })
  }
  return outcome
}

/** The producer's own account of the run: how it batched and how long the broker took. */
function describeMetrics(m: ReturnType<ReturnType<Kafka['producer']>['metrics']>): string {
  const perRequest = m.requestsSent > 0 ? m.batchesSent / m.requestsSent : 0
  return [
    `${m.requestsSent} requests of ${perRequest.toFixed(1)} batches`,
    `${m.batchesSent} batches of ${(m.recordsSent / Math.max(1, m.batchesSent)).toFixed(0)} records (${(m.averageBatchBytes / 1024).toFixed(1)} KiB, ${(m.averageBatchFill * 100).toFixed(0)}% of batchBytes)`,
    `request latency avg ${m.requestLatencyAverageMs.toFixed(1)} ms, max ${m.requestLatencyMaxMs.toFixed(0)} ms`,
    `senders waited ${m.waitingTimeMs.toFixed(0)} ms for buffer`,
    `${m.retries} retries, ${m.errors} errors`,
  ].join(', ')
}

await runChild(async (config): Promise<ChildReport> => {
  const values = readValues(config.valuesFile)
  const mode = (config.tuning.mode as string | undefined) ?? 'send-all'
  const window = Number(config.tuning.window ?? 1000)
  const extra = (config.tuning.options ?? {}) as ProducerOptions
  const kafka = new Kafka({ brokers: config.bootstrap, clientId: 'bench-sluice', logger: 'warn' })
  const timer = startWindow()
  const sampler = sampleMemory()
  const producer = kafka.producer({ ...extra, acks: config.acks, idempotent: config.idempotent })
  const outcome =
    mode === 'send'
      ? await viaSend(producer, config, values, window)
      : await viaSendAll(producer, config, values, window)
  const { seconds, cpuSeconds } = timer.finish()
  const memory = sampler.stop()
  const detail = describeMetrics(producer.metrics())
  await producer.close()
  const options = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : ''
  return {
    ...outcome,
    seconds,
    cpuSeconds,
    peakRssBytes: peakRssBytes(),
    memory,
    detail,
    method:
      mode === 'send'
        ? `send() per record, not awaited, at most ${window} unsettled${options}`
        : `sendAll(source, { maxInFlight: ${window} })${options}`,
  }
})
