import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Admin, Kafka } from '../../../src/index.js'
import { LineCounter } from '../../../test/faults/consumer-kill/processed-log.js'
import { startKafka } from '../../../test/kafka/start-kafka.js'
import type { LoggingConsumerConfig, LoggingConsumerResult } from '../../children/logging-consumer.js'
import { AckingProducer } from '../../support/acking-producer.js'
import { ClientProcess } from '../../support/client-process.js'
import { judgeConsumed } from '../../support/consumed-checks.js'
import { MemoryWatch } from '../../support/memory-watch.js'
import { readTopic } from '../../support/read-topic.js'
import { readRecordLog } from '../../support/record-log.js'
import type { RunOptions, Scenario, ScenarioResult } from '../../support/scenario.js'
import { check } from '../../support/scenario.js'
import { between, seededRandom, sleep } from '../../support/seeded-random.js'
import { judgeStored } from '../../support/stored-checks.js'

/**
 * Scenario 4: Apache Kafka, three KRaft nodes, replication factor 3 and
 * min.insync.replicas 2; each node in turn SIGKILLed and, a few seconds
 * later, started again on its data, while an idempotent acks-all Sluice
 * producer and a Sluice consumer group member run through it all. With one
 * node down the other two are still an in-sync majority, so acks all
 * keeps succeeding; the killed node may have led partitions (leadership
 * moves, the producer re-sends what was in flight to the new leader) and
 * may have been the group coordinator (the consumer finds the new one and
 * keeps its position). The next kill waits until every partition is fully
 * in sync again, so no acknowledged record is ever on one replica alone.
 */

const PARTITIONS = 6
const TOPIC = 'replicated'
const GROUP = 'replicated-readers'

function settings(short: boolean) {
  return short ? { rounds: 1, downMs: [2000, 4000] as const } : { rounds: 4, downMs: [2000, 8000] as const }
}

/** Every partition has all three replicas in sync again (a restarted node caught up). */
async function waitForFullIsr(admin: Admin, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [topic] = await admin.describeTopics([TOPIC]).catch(() => [undefined])
    if (topic?.partitions.every((p) => p.isr.length === 3)) return
    if (Date.now() > deadline) throw new Error(`partitions not back in sync within ${timeoutMs} ms`)
    await sleep(250)
  }
}

async function run(options: RunOptions): Promise<ScenarioResult> {
  const started = performance.now()
  const { rounds, downMs } = settings(options.short)
  const random = seededRandom(options.seed)
  const kafka = await startKafka({ brokers: 3 })
  const watch = new MemoryWatch()
  const bootstrap = kafka.bootstrap
  const admin = new Kafka({
    brokers: bootstrap.split(','),
    clientId: 'reliability-admin',
    logger: 'silent',
  }).admin()
  let producer: AckingProducer | undefined
  let consumer: ClientProcess<LoggingConsumerResult> | undefined
  try {
    await admin.createTopics([{ topic: TOPIC, partitions: PARTITIONS, replicationFactor: 3 }])
    producer = new AckingProducer(
      {
        bootstrap,
        topic: TOPIC,
        workDir: options.workDir,
        keys: 64,
        producer: { lingerMs: 5, rate: { recordsPerSecond: 3000 } },
      },
      watch,
    )
    const processedLog = join(options.workDir, 'processed.log')
    writeFileSync(processedLog, '')
    const config: LoggingConsumerConfig = {
      bootstrap,
      processedLog,
      consumer: {
        groupId: GROUP,
        topics: [TOPIC],
        ordering: 'key',
        concurrency: 16,
        fromBeginning: true,
        commitIntervalMs: 200,
      },
      handlerMs: [0, 1],
    }
    consumer = new ClientProcess<LoggingConsumerResult>('logging-consumer', config)
    watch.watch('consumer', consumer.pid)
    const processed = new LineCounter(processedLog)
    await producer.waitForMoreAcks(2000, 60_000, 'before the first kill')
    await consumer.waitUntil('the consumer to process records', () => processed.update() > 1000, 60_000)

    const kills: string[] = []
    for (let round = 0; round < rounds; round++) {
      for (const node of [1, 2, 3]) {
        await waitForFullIsr(admin, 120_000)
        const before = { acked: producer.acked(), processed: processed.update() }
        await kafka.killNode(node)
        const down = between(random, downMs[0], downMs[1])
        await sleep(down)
        const whileDown = {
          acked: producer.acked() - before.acked,
          processed: processed.update() - before.processed,
        }
        await kafka.startNode(node)
        kills.push(
          `node ${node} down ${down} ms: ${whileDown.acked} acked, ${whileDown.processed} processed meanwhile`,
        )
        options.log(`  ${kills.at(-1)}`)
      }
    }
    await waitForFullIsr(admin, 120_000)
    await producer.waitForMoreAcks(2000, 120_000, 'after the last restart')
    const result = await producer.stop(180_000)
    const acked = readRecordLog(producer.ackLog)
    await consumer.waitUntil('the consumer to catch up', () => processed.update() >= acked.length, 180_000)
    consumer.signal('SIGTERM')
    await consumer.finished(60_000)
    processed.close()

    const topic = await readTopic(bootstrap, TOPIC)
    const stored = judgeStored(result, acked, topic)
    const consumed = judgeConsumed(topic, [readRecordLog(processedLog)], 0, 'none: no consumer was harmed')
    const committed = await admin.fetchOffsets(GROUP, {
      partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: TOPIC, partition })),
    })
    const ends = new Map<number, number>()
    for (const r of topic) ends.set(r.partition, Math.max(ends.get(r.partition) ?? 0, r.offset + 1))
    const behind = committed.filter((c) => Number(c.offset) !== (ends.get(c.partition) ?? 0))
    return {
      scenario: 'kafka-broker-kill',
      target: 'kafka',
      variant: '3 nodes',
      sent: result.sent,
      acked: result.acked,
      consumed: consumed.consumed,
      lost: stored.lost + consumed.lost,
      duplicated: stored.duplicated + consumed.duplicated,
      memory: watch.figures(),
      checks: [
        ...stored.checks,
        ...consumed.checks,
        check(
          'the clean close committed everything processed',
          behind.length === 0,
          behind.map((c) => `partition ${c.partition} at ${c.offset} of ${ends.get(c.partition)}`).join(', '),
        ),
      ],
      notes: [
        `${kills.length} SIGKILLs (each node in turn, ${rounds} round(s)), RF 3, min.insync.replicas 2; producer acks all, idempotent, 3000 records/s; consumer ordering key`,
        ...kills,
        ...stored.notes,
      ],
      seconds: (performance.now() - started) / 1000,
    }
  } finally {
    await producer?.kill()
    await consumer?.end('SIGKILL')
    watch.stop()
    await admin.close()
    await kafka.close()
  }
}

export const scenario: Scenario = {
  id: 'kafka-broker-kill',
  number: 4,
  title: 'Apache Kafka 3 nodes, each SIGKILLed in turn under a producer and a consumer',
  targets: ['kafka'],
  run: async (_target, options) => [await run(options)],
}
