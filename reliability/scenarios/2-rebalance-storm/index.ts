import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type AssignorName, Kafka } from '../../../src/index.js'
import { startTarget, type Target } from '../../../test/kafka/targets.js'
import { AckingProducer } from '../../support/acking-producer.js'
import { MemoryWatch } from '../../support/memory-watch.js'
import { readTopic } from '../../support/read-topic.js'
import { readRecordLog } from '../../support/record-log.js'
import {
  check,
  noneOf,
  type RunOptions,
  type Scenario,
  type ScenarioResult,
  type TargetName,
} from '../../support/scenario.js'
import { seededRandom } from '../../support/seeded-random.js'
import { judgeStored } from '../../support/stored-checks.js'
import { OffsetWatch } from './offset-watch.js'
import { StormMembers } from './storm-members.js'
import { judgeStorm } from './storm-verdict.js'

const PARTITIONS = 12
const KEYS = 1000
const STEP_MS = 2000
// records flow at a steady rate for the whole storm: full about 170 s, short about 20 s
const FULL = { records: 1_000_000, recordsPerSecond: 6000 }
const SHORT = { records: 60_000, recordsPerSecond: 3000 }
const VARIANTS: readonly { name: string; assignors: readonly AssignorName[] }[] = [
  { name: 'cooperative-sticky', assignors: ['cooperative-sticky'] },
  { name: 'eager (range)', assignors: ['range'] },
]

/**
 * Issue 15, scenario 2: a group whose members join and leave every 2 s
 * while keyed records flow in at a steady rate, once with the
 * cooperative-sticky assignor and once with an eager one (range). See
 * storm-members.ts for the churn and storm-verdict.ts for the checks.
 */
export const scenario: Scenario = {
  id: 'rebalance-storm',
  number: 2,
  title: 'members join and leave every 2 s while keyed records flow',
  targets: ['embedded', 'kafka'],
  run: async (targetName, options) => {
    const target = await startTarget(targetName, { brokers: 1 })
    try {
      const results: ScenarioResult[] = []
      for (const variant of VARIANTS) {
        options.log(`  ${variant.name}`)
        results.push(await runStorm(target, targetName, variant, options))
      }
      return results
    } finally {
      await target.close()
    }
  },
}

async function runStorm(
  target: Target,
  targetName: TargetName,
  variant: (typeof VARIANTS)[number],
  options: RunOptions,
): Promise<ScenarioResult> {
  const settings = options.short ? SHORT : FULL
  const begun = performance.now()
  const slug = variant.assignors.join('-')
  const topic = `storm-${options.seed}-${slug}`
  const groupId = `storm-group-${options.seed}-${slug}`
  const kafka = new Kafka({ brokers: [target.bootstrap], logger: 'warn' })
  const admin = kafka.admin()
  const watch = new MemoryWatch()
  // each variant's logs in a folder of its own
  const workDir = join(options.workDir, slug)
  mkdirSync(workDir)
  await admin.createTopics([{ topic, partitions: PARTITIONS }])
  const offsets = new OffsetWatch(admin, groupId, topic, PARTITIONS)
  const members = new StormMembers({
    bootstrap: target.bootstrap,
    topic,
    groupId,
    assignors: variant.assignors,
    workDir,
    watch,
    random: seededRandom(options.seed),
  })
  let producer: AckingProducer | undefined
  try {
    members.begin()
    producer = new AckingProducer(
      {
        bootstrap: target.bootstrap,
        topic,
        workDir,
        keys: KEYS,
        count: settings.records,
        producer: { rate: { recordsPerSecond: settings.recordsPerSecond } },
      },
      watch,
    )
    // the churn, while the producer still has records to send
    const steps = { join: 0, leave: 0, wait: 0 }
    let ackedAtFirstStep = -1
    let ackedAtLastStep = 0
    const stormDeadline = Date.now() + (settings.records / settings.recordsPerSecond) * 3000 + 60_000
    while (producer.acked() < settings.records) {
      await new Promise((resolve) => setTimeout(resolve, STEP_MS))
      const dead = members.failed()
      if (dead !== undefined) throw new Error(`a member died by itself\n${dead}`)
      if (Date.now() > stormDeadline)
        throw new Error(`the producer fell behind: ${producer.acked()} acked\n${producer.stderr}`)
      ackedAtLastStep = producer.acked()
      if (ackedAtFirstStep < 0) ackedAtFirstStep = ackedAtLastStep
      const step = members.step()
      steps[step]++
      if (step !== 'wait' && (steps.join + steps.leave) % 20 === 0)
        options.log(`    ${ackedAtLastStep} acked, ${members.size} members`)
    }
    const sent = await producer.finished(60_000)
    const acked = readRecordLog(producer.ackLog)
    const ends = new Map<number, number>()
    for (const r of acked) ends.set(r.partition, Math.max(ends.get(r.partition) ?? 0, r.offset + 1))

    // the members left catch up and commit the end of every partition, then close
    const drainDeadline = Date.now() + 300_000
    while (![...ends].every(([p, end]) => offsets.latest()?.get(p) === end)) {
      const dead = members.failed()
      if (dead !== undefined) throw new Error(`a member died by itself\n${dead}`)
      if (Date.now() > drainDeadline)
        throw new Error(
          `the group did not commit the whole topic: ${JSON.stringify([...(offsets.latest() ?? [])])}`,
        )
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    const closes = await members.end()
    await offsets.stop()

    const stored = await readTopic(target.bootstrap, topic)
    const storedVerdict = judgeStored(sent, acked, stored)
    const stormVerdict = judgeStorm(stored, members.files.map(readRecordLog), offsets)
    const badCloses = closes.filter((c) => c.code !== 0)
    const flowing = ackedAtLastStep - Math.max(0, ackedAtFirstStep)
    return {
      scenario: scenario.id,
      target: targetName,
      variant: variant.name,
      sent: sent.sent,
      acked: acked.length,
      consumed: stormVerdict.consumed,
      lost: storedVerdict.lost + stormVerdict.lost,
      duplicated: storedVerdict.duplicated + stormVerdict.duplicated,
      memory: watch.figures(),
      checks: [
        ...storedVerdict.checks,
        check(
          'records flowed while the members churned (half of them acked between the first and last change)',
          flowing >= acked.length / 2,
          `${flowing} acked during ${steps.join + steps.leave} changes`,
        ),
        ...stormVerdict.checks,
        noneOf(
          'every member closed cleanly (SIGTERM: drain, commit, leave, exit 0)',
          badCloses,
          (c) => `exit ${c.code}: ${c.stderr.slice(-500)}`,
        ),
      ],
      notes: [
        `${steps.join} joins and ${steps.leave} leaves (SIGTERM), one every ${STEP_MS / 1000} s, 2-4 members alive, ${members.files.length} members in all${steps.wait > 0 ? `; ${steps.wait} leaves put off (no member past its start)` : ''}`,
        ...storedVerdict.notes,
        ...stormVerdict.notes,
      ],
      seconds: (performance.now() - begun) / 1000,
    }
  } finally {
    await offsets.stop()
    await members.kill()
    await producer?.kill()
    watch.stop()
    await admin.close()
  }
}
