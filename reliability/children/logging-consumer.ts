/**
 * A Sluice consumer process that writes down every record it processed:
 * the handler waits a random time in `handlerMs` (the work), then appends
 * `partition offset key value` to `processedLog` before it resolves, so a
 * record is logged before its offset can count as done and a kill can never
 * commit an unlogged record. SIGTERM closes the consumer (drain, commit),
 * prints RESULT { processed, rebalances } and exits 0. Rebalances go to
 * stderr, for failure messages only: the checks never rely on what the
 * consumer says about itself.
 */
import { type ConsumerOptions, Kafka } from '../../src/index.js'
import { printResult } from '../support/client-process.js'
import { RecordLogWriter, valueId } from '../support/record-log.js'

export interface LoggingConsumerConfig {
  bootstrap: string
  processedLog: string
  /** Passed to kafka.consumer() as they are (groupId, topics, ordering, assignors, ...). */
  consumer: ConsumerOptions
  /** The handler's work: a random wait between these, in milliseconds ([0, 0]: none). */
  handlerMs: [number, number]
  clientLogger?: 'warn' | 'error' | 'silent'
  /** Log when each record was processed too (a fifth field, Date.now()), to order records across processes. */
  timestamps?: boolean
}

export interface LoggingConsumerResult {
  processed: number
  rebalances: number
}

const config = JSON.parse(process.argv[2]) as LoggingConsumerConfig
const kafka = new Kafka({
  brokers: config.bootstrap.split(','),
  clientId: 'logging-consumer',
  logger: config.clientLogger ?? 'warn',
})
const consumer = kafka.consumer(config.consumer)
const log = new RecordLogWriter(config.processedLog, true)
const [least, most] = config.handlerMs
let processed = 0
let rebalances = 0

consumer.on('rebalance', (e) => {
  rebalances++
  const partitions = e.partitions.map((tp) => tp.partition).join(',')
  process.stderr.write(
    `${new Date().toISOString()} rebalance ${e.type} [${partitions}] generation ${e.generationId}\n`,
  )
})

// with --expose-gc (a scenario measuring retained memory): a full collection every 250 ms, so RSS is not uncollected garbage
const gc = (globalThis as { gc?: () => void }).gc
if (gc) setInterval(gc, 250).unref()

const running = consumer.run(async (m) => {
  if (most > 0) await new Promise((resolve) => setTimeout(resolve, least + Math.random() * (most - least)))
  log.write({
    partition: m.partition,
    offset: Number(m.offset),
    key: String(m.key),
    value: valueId(String(m.value)),
    at: config.timestamps ? Date.now() : undefined,
  })
  processed++
})

process.once('SIGTERM', () => {
  void consumer.close().then(() => {
    log.close()
    printResult({ processed, rebalances } satisfies LoggingConsumerResult)
    process.exit(0)
  })
})
running.catch((error) => {
  process.stderr.write(`consumer failed: ${(error as Error).stack}\n`)
  process.exit(1)
})
