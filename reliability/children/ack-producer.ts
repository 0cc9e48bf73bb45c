/**
 * A Sluice producer process that keeps its own log of what was acknowledged:
 * it sends `count` records (`k<i % keys>` / `v<i>` for i from `first`), or
 * until SIGTERM, through `sendAll`, and writes each acknowledged record's
 * partition and offset to `ackLog` (record-log format). Records that fail for
 * good are counted by error name, not logged. Prints one RESULT line when
 * done: { sent, acked, failed, errors }. With `metricsLog`, appends one JSON
 * line every `metricsEveryMs` (default 250): the time, records acknowledged so
 * far and the producer's buffer gauges (bytes used of its budget, senders
 * waiting for room), so a scenario can show it blocked within its budget and
 * when acknowledgements resumed.
 */
import { appendFileSync } from 'node:fs'
import { Kafka, type ProducerOptions } from '../../src/index.js'
import { printResult } from '../support/client-process.js'
import { RecordLogWriter, valueId } from '../support/record-log.js'

export interface AckProducerConfig {
  bootstrap: string
  topic: string
  first: number
  /** How many records; -1 sends until SIGTERM. */
  count: number
  keys: number
  ackLog: string
  /** Passed to kafka.producer() as they are. */
  producer: ProducerOptions
  /** sendAll's window. */
  maxInFlight?: number
  /** Pad each value to this many bytes (`v<i>.....`), for scenarios that need volume. */
  valueBytes?: number
  clientLogger?: 'warn' | 'error' | 'silent'
  /** A file for the periodic ProducerSample lines (JSON, one a line). */
  metricsLog?: string
  metricsEveryMs?: number
}

/** One line of `metricsLog`. */
export interface ProducerSample {
  /** Date.now() */
  at: number
  acked: number
  failed: number
  bufferBytesUsed: number
  bufferBytesTotal: number
  sendersWaiting: number
  /** Time sends have spent waiting for room, in all, in milliseconds. */
  waitingTimeMs: number
  /** The process's resident set and JS heap in use now (where memory beyond the buffer goes). */
  rssBytes: number
  heapUsedBytes: number
}

export interface AckProducerResult {
  sent: number
  acked: number
  failed: number
  errors: Record<string, number>
}

const config = JSON.parse(process.argv[2]) as AckProducerConfig
const kafka = new Kafka({
  brokers: config.bootstrap.split(','),
  clientId: 'ack-producer',
  logger: config.clientLogger ?? 'warn',
})
const producer = kafka.producer(config.producer)
const log = new RecordLogWriter(config.ackLog, false)
let stopping = false
process.once('SIGTERM', () => {
  stopping = true
})

let sent = 0
function* records() {
  for (let i = config.first; config.count < 0 || i < config.first + config.count; i++) {
    if (stopping) return
    const value = `v${i}`
    sent++
    yield {
      topic: config.topic,
      key: `k${i % config.keys}`,
      value: config.valueBytes ? value.padEnd(config.valueBytes, '.') : value,
    }
  }
}

let acked = 0
let failed = 0
const errors: Record<string, number> = {}
const sampler =
  config.metricsLog === undefined
    ? undefined
    : setInterval(() => {
        // with --expose-gc (a scenario measuring retained memory): a full collection first, so RSS and heapUsed are what is live
        ;(globalThis as { gc?: () => void }).gc?.()
        const m = producer.metrics()
        const sample: ProducerSample = {
          at: Date.now(),
          acked,
          failed,
          bufferBytesUsed: m.bufferBytesUsed,
          bufferBytesTotal: m.bufferBytesTotal,
          sendersWaiting: m.sendersWaiting,
          waitingTimeMs: m.waitingTimeMs,
          rssBytes: process.memoryUsage.rss(),
          heapUsedBytes: process.memoryUsage().heapUsed,
        }
        appendFileSync(config.metricsLog!, `${JSON.stringify(sample)}\n`)
      }, config.metricsEveryMs ?? 250)
for await (const r of producer.sendAll(records(), { maxInFlight: config.maxInFlight ?? 5000 })) {
  if (r.error) {
    failed++
    errors[r.error.name] = (errors[r.error.name] ?? 0) + 1
    continue
  }
  acked++
  log.write({
    partition: r.metadata.partition,
    offset: Number(r.metadata.offset),
    key: String(r.record.key),
    value: valueId(String(r.record.value)),
  })
}
clearInterval(sampler)
await producer.close()
log.close()
printResult({ sent, acked, failed, errors } satisfies AckProducerResult)
