import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Kafka } from '../../../src/index.js'
import { freePorts } from '../../../test/kafka/free-ports.js'
import { type BrokerProcess, spawnBroker } from '../../../test/support/broker-process.js'
import { AckingProducer } from '../../support/acking-producer.js'
import { MemoryWatch } from '../../support/memory-watch.js'
import { readTopic } from '../../support/read-topic.js'
import { readRecordLog } from '../../support/record-log.js'
import type { RunOptions, Scenario, ScenarioResult } from '../../support/scenario.js'
import { check } from '../../support/scenario.js'
import { between, seededRandom, sleep } from '../../support/seeded-random.js'
import { judgeStored } from '../../support/stored-checks.js'

/**
 * Scenario 3: the embedded broker, as a `sluice broker --fsync always`
 * process on a data directory, SIGKILLed and restarted on the same port
 * again and again while an idempotent acks-all Sluice producer sends to it.
 * A kill lands between any two instructions of the broker: mid-append,
 * between the fsync and the answer, with batches in flight that the
 * producer must send again. Whatever was acknowledged was fsynced before
 * the answer, so it must survive; what is sent again must be recognised
 * by the producer state the broker rebuilds from its log (no duplicates).
 */

const PARTITIONS = 4
const TOPIC = 'acked'

function settings(short: boolean) {
  return short
    ? { kills: 5, upMs: [400, 1500] as const, downMs: [0, 400] as const }
    : { kills: 50, upMs: [300, 2500] as const, downMs: [0, 1000] as const }
}

async function run(options: RunOptions): Promise<ScenarioResult> {
  const started = performance.now()
  const { kills, upMs, downMs } = settings(options.short)
  const random = seededRandom(options.seed)
  const [port] = await freePorts(1)
  const dataDir = join(options.workDir, 'data')
  mkdirSync(dataDir)
  const watch = new MemoryWatch()
  const args = ['--port', String(port), '--data-dir', dataDir, '--fsync', 'always', '--log-level', 'warn']
  let broker: BrokerProcess = await spawnBroker(args)
  watch.watch('broker', broker.child.pid!)
  const bootstrap = broker.bootstrap
  let producer: AckingProducer | undefined
  try {
    const kafka = new Kafka({ brokers: [bootstrap], clientId: 'reliability-admin', logger: 'silent' })
    const admin = kafka.admin()
    await admin.createTopics([{ topic: TOPIC, partitions: PARTITIONS }])
    await admin.close()

    producer = new AckingProducer(
      {
        bootstrap,
        topic: TOPIC,
        workDir: options.workDir,
        keys: 64,
        producer: { lingerMs: 5, rate: { recordsPerSecond: 5000 } },
      },
      watch,
    )
    await producer.waitForMoreAcks(1000, 30_000, 'before the first kill')
    const acksAtKill: number[] = []
    for (let n = 0; n < kills; n++) {
      await sleep(between(random, upMs[0], upMs[1]))
      watch.poll()
      acksAtKill.push(producer.acked())
      broker.child.kill('SIGKILL')
      await broker.exited
      await sleep(between(random, downMs[0], downMs[1]))
      broker = await spawnBroker(args)
      watch.watch('broker', broker.child.pid!)
      if ((n + 1) % 10 === 0) options.log(`  ${n + 1} kills, ${producer.acked()} acked`)
    }
    // the last life must take records too: what waited through the last kill is delivered
    await producer.waitForMoreAcks(1000, 60_000, 'after the last restart')
    const result = await producer.stop(180_000)
    const acked = readRecordLog(producer.ackLog)
    const topic = await readTopic(bootstrap, TOPIC)
    const verdict = judgeStored(result, acked, topic)
    acksAtKill.push(acked.length)
    const livesWithAcks = acksAtKill.slice(1).filter((n, i) => n > acksAtKill[i]).length
    return {
      scenario: 'broker-kill',
      target: 'embedded',
      variant: '',
      sent: result.sent,
      acked: result.acked,
      consumed: -1,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      memory: watch.figures(),
      checks: [
        ...verdict.checks,
        // a kill while nothing was acknowledged since the last proves nothing about in-flight batches
        check(
          'records were acknowledged in every broker life between two kills',
          livesWithAcks === kills,
          `${livesWithAcks} of ${kills}`,
        ),
      ],
      notes: [
        `${kills} SIGKILLs of \`sluice broker --fsync always\`, up ${upMs.join('-')} ms, down ${downMs.join('-')} ms; producer acks all, idempotent, 5000 records/s`,
        ...verdict.notes,
      ],
      seconds: (performance.now() - started) / 1000,
    }
  } finally {
    await producer?.kill()
    watch.stop()
    broker.child.kill('SIGTERM')
    await broker.exited
  }
}

export const scenario: Scenario = {
  id: 'broker-kill',
  number: 3,
  title: 'embedded broker SIGKILLed and restarted under an idempotent producer',
  targets: ['embedded'],
  run: async (_target, options) => [await run(options)],
}
