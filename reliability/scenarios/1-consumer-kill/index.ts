import { Kafka } from '../../../src/index.js'
import { startTarget } from '../../../test/kafka/targets.js'
import { AckingProducer } from '../../support/acking-producer.js'
import { MemoryWatch } from '../../support/memory-watch.js'
import { readTopic } from '../../support/read-topic.js'
import { readRecordLog } from '../../support/record-log.js'
import {
  check,
  type RunOptions,
  type Scenario,
  type ScenarioResult,
  type TargetName,
} from '../../support/scenario.js'
import { seededRandom } from '../../support/seeded-random.js'
import { judgeStored } from '../../support/stored-checks.js'
import { type KillSettings, runLives } from './kill-lives.js'
import { judgeKills } from './kill-verdict.js'

const PARTITIONS = 4
const KEYS = 16
// kills × maxLines below the records: every kill lands while work remains
const FULL = { records: 100_000, kills: 50, minLines: 200, maxLines: 1800 }
const SHORT = { records: 12_000, kills: 5, minLines: 200, maxLines: 1500 }

/**
 * Issue 15, scenario 1: a consumer process with `ordering: 'key'` SIGKILLed
 * at random points of its processing, restarted each time (50 kills; 5 in
 * the short run), over a topic written beforehand by the ack-producer. See
 * kill-lives.ts for the lives and kill-verdict.ts for the checks.
 */
export const scenario: Scenario = {
  id: 'consumer-kill',
  number: 1,
  title: 'consumer SIGKILLed while processing, restarted each time',
  targets: ['embedded', 'kafka'],
  run: async (target, options) => [await runKills(target, options)],
}

async function runKills(targetName: TargetName, options: RunOptions): Promise<ScenarioResult> {
  const settings: KillSettings & { records: number } = options.short ? SHORT : FULL
  const begun = performance.now()
  const target = await startTarget(targetName, { brokers: 1 })
  const watch = new MemoryWatch()
  const kafka = new Kafka({ brokers: [target.bootstrap], logger: 'warn' })
  const admin = kafka.admin()
  try {
    const topic = `killed-${options.seed}`
    const groupId = `killed-group-${options.seed}`
    await admin.createTopics([{ topic, partitions: PARTITIONS }])
    const producer = new AckingProducer(
      { bootstrap: target.bootstrap, topic, workDir: options.workDir, keys: KEYS, count: settings.records },
      watch,
    )
    const sent = await producer.finished(120_000)
    const acked = readRecordLog(producer.ackLog)
    const ends = new Map<number, number>()
    for (const r of acked) ends.set(r.partition, Math.max(ends.get(r.partition) ?? 0, r.offset + 1))
    options.log(`  ${acked.length} records written; ${settings.kills} kills follow`)

    const lives = await runLives(
      {
        bootstrap: target.bootstrap,
        topic,
        groupId,
        partitions: PARTITIONS,
        ends,
        workDir: options.workDir,
        admin,
        watch,
        random: seededRandom(options.seed),
        log: options.log,
      },
      settings,
    )
    const stored = await readTopic(target.bootstrap, topic)
    const storedVerdict = judgeStored(sent, acked, stored)
    const killVerdict = judgeKills(stored, lives.files.map(readRecordLog), lives.committedAtKill)
    return {
      scenario: scenario.id,
      target: targetName,
      variant: '',
      sent: sent.sent,
      acked: acked.length,
      consumed: killVerdict.consumed,
      lost: storedVerdict.lost + killVerdict.lost,
      duplicated: storedVerdict.duplicated + killVerdict.duplicated,
      memory: watch.figures(),
      checks: [
        ...storedVerdict.checks,
        check(
          `the consumer was killed ${settings.kills} times`,
          lives.committedAtKill.length === settings.kills,
        ),
        ...killVerdict.checks,
        check(
          'the last life closed cleanly (SIGTERM: drain, commit, exit 0)',
          lives.lastExit === 0,
          String(lives.lastExit),
        ),
      ],
      notes: [...storedVerdict.notes, ...lives.notes, ...killVerdict.notes],
      seconds: (performance.now() - begun) / 1000,
    }
  } finally {
    watch.stop()
    await admin.close()
    await target.close()
  }
}
