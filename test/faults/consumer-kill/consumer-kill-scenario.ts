import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, expect, it } from 'vitest'
import { seededRandom } from '../../../src/cli/demo/seeded-random.js'
import type { Admin, Producer } from '../../../src/index.js'
import { ClientHarness } from '../../client/support/client-for.js'
import { describeEachTarget, type TargetName } from '../../kafka/targets.js'
import { ConsumerLife } from './consumer-life.js'
import { type Committed, judgeLives, type KillReport, type ProducedRecord } from './kill-checks.js'
import { LineCounter, readProcessed } from './processed-log.js'

/**
 * A consumer process (killable-consumer.ts: a static group member with
 * `ordering: 'key'`) SIGKILLed at a random point of its processing, again
 * and again, and restarted each time, until every record of the topic has
 * been processed; then stopped with SIGTERM. Each life writes down what it
 * processed; kill-checks.ts compares that with what was produced and with
 * the group's committed offsets, read from the broker right after each kill.
 *
 * The bound on duplicates: a life may only redo records that an earlier
 * life processed and the group had not committed when that life was killed
 * (at or above the committed offset of their partition): what was fetched
 * and not committed. Nothing below a committed offset is processed again,
 * and nothing is processed twice within one life.
 *
 * The seed (CONSUMER_KILL_SEED repeats one) picks how far each life gets
 * before its kill, and is named in every failure.
 */

export interface KillSettings {
  readonly records: number
  readonly partitions: number
  readonly keys: number
  readonly kills: number
  /** Each killed life is killed once it has written between minLines and maxLines lines. */
  readonly minLines: number
  /** kills × maxLines stays below records, so every kill lands while work remains. */
  readonly maxLines: number
  readonly timeoutMs: number
}

const LIFE_MS = 30_000
const FINAL_MS = 60_000

const at = (r: { partition: number; offset: number }) => `${r.partition}:${r.offset}`

/** Writes `records` keyed records (`k<i % keys>`, value `i`) and returns where each was stored. */
async function produceKeyed(
  producer: Producer,
  topic: string,
  records: number,
  keys: number,
): Promise<ProducedRecord[]> {
  const source = Array.from({ length: records }, (_, i) => ({ topic, key: `k${i % keys}`, value: String(i) }))
  const produced: ProducedRecord[] = []
  for await (const r of producer.sendAll(source, { maxInFlight: 5000 })) {
    if (r.error) throw r.error
    produced.push({
      partition: r.metadata.partition,
      offset: Number(r.metadata.offset),
      key: r.record.key as string,
      value: Number(r.record.value),
    })
  }
  return produced
}

async function committedOffsets(admin: Admin, groupId: string, topic: string, partitions: number) {
  const offsets = await admin.fetchOffsets(groupId, {
    partitions: Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
  })
  return new Map(offsets.map((o) => [o.partition, o.offset < 0n ? 0 : Number(o.offset)])) as Committed
}

function expectWithinBounds(report: KillReport, kills: number, context: string): void {
  expect(report.lost.slice(0, 10), `lost records\n${context}`).toEqual([])
  expect(report.mismatched.slice(0, 10), `not what was produced there\n${context}`).toEqual([])
  expect(report.repeatedInLife.slice(0, 10), `processed twice within one life\n${context}`).toEqual([])
  expect(report.committedPastUnfinished.slice(0, 10), `committed past unfinished work\n${context}`).toEqual(
    [],
  )
  expect(report.redoneCommitted.slice(0, 10), `committed records processed again\n${context}`).toEqual([])
  expect(report.duplicates[0]).toBe(0)
  report.duplicates.slice(1).forEach((n, i) => {
    expect(
      n,
      `life ${i + 1} redid more than was in flight at the kill before\n${context}`,
    ).toBeLessThanOrEqual(report.inFlightAtKill[i])
  })
  expect(report.orderBreaks.slice(0, 10), `key order broken within a life\n${context}`).toEqual([])
  // the commits kept up during the lives: a consumer that never committed would pass the rest
  expect(
    report.killsAfterProgress,
    `kills after which the commits had moved on\n${context}`,
  ).toBeGreaterThanOrEqual(Math.ceil(kills / 2))
}

export function consumerKillScenario(targets: readonly TargetName[], settings: KillSettings): void {
  const seed = Number(process.env.CONSUMER_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31))
  describeEachTarget('consumer killed again and again', { targets, brokers: 1 }, (target) => {
    const clients = new ClientHarness()
    const dir = mkdtempSync(join(tmpdir(), 'sluice-consumer-kill-'))
    const lives: ConsumerLife[] = []
    afterEach(async () => {
      await Promise.all(lives.splice(0).map((l) => l.end('SIGKILL')))
    })
    afterAll(async () => {
      await clients.closeAll()
      rmSync(dir, { recursive: true, force: true })
    })

    it(
      `loses nothing and redoes only uncommitted work over ${settings.kills} SIGKILLs (seed ${seed})`,
      async () => {
        const bootstrap = target().bootstrap
        const suffix = Math.random().toString(36).slice(2, 8)
        const topic = `killed-${suffix}`
        const groupId = `killed-group-${suffix}`
        const admin = clients.admin({ brokers: bootstrap })
        await admin.createTopics([{ topic, partitions: settings.partitions }])
        const producer = clients.producer({ brokers: bootstrap }, { lingerMs: 5 })
        const produced = await produceKeyed(producer, topic, settings.records, settings.keys)
        const committed = () => committedOffsets(admin, groupId, topic, settings.partitions)
        const ends = new Map<number, number>()
        for (const r of produced) ends.set(r.partition, Math.max(ends.get(r.partition) ?? 0, r.offset + 1))

        const files: string[] = []
        const start = () => {
          const file = join(dir, `${suffix}-life-${files.length}.log`)
          writeFileSync(file, '')
          files.push(file)
          const life = new ConsumerLife([bootstrap, topic, groupId, `instance-${suffix}`, file])
          lives.push(life)
          return { life, file }
        }
        const next = seededRandom(seed)
        const committedAtKill: Committed[] = []
        const notes: string[] = []
        for (let n = 0; n < settings.kills; n++) {
          const { life, file } = start()
          const lines = new LineCounter(file)
          const stopAt = settings.minLines + Math.floor(next() * (settings.maxLines - settings.minLines))
          let firstLineAt = 0
          try {
            await life.waitUntil(
              `life ${n} to process ${stopAt} records`,
              () => {
                if (lines.update() > 0 && firstLineAt === 0) firstLineAt = Date.now()
                return lines.lines >= stopAt
              },
              LIFE_MS,
            )
          } finally {
            lines.close()
          }
          await life.end('SIGKILL')
          notes.push(
            `${lines.lines} lines in ${Date.now() - firstLineAt} ms (${firstLineAt - life.spawnedAt} ms to start)`,
          )
          // a commit written just before the kill is already in the broker's socket: let it land
          await new Promise((resolve) => setTimeout(resolve, 100))
          committedAtKill.push(await committed())
        }

        const earlier = new Set(files.flatMap((f) => readProcessed(f).map(at)))
        const { life: last, file: lastFile } = start()
        const unprocessed = () => {
          const seen = new Set(earlier)
          for (const r of readProcessed(lastFile)) seen.add(at(r))
          return produced.some((r) => !seen.has(at(r)))
        }
        // done when everything was processed, or when the group committed it all (what is missing
        // then is lost, and waiting longer would only turn that into a timeout)
        let finished = false
        const watch = (async () => {
          while (!finished && last.running) {
            const offsets = await committed()
            finished = !unprocessed() || [...ends].every(([p, end]) => offsets.get(p) === end)
            if (!finished) await new Promise((resolve) => setTimeout(resolve, 200))
          }
        })()
        await last
          .waitUntil('the last life to finish the topic', () => finished, FINAL_MS)
          .finally(() => {
            finished = true
          })
        await watch
        expect(await last.end('SIGTERM'), `a clean close exits 0\n${last.recentStderr}`).toBe(0)
        const final = await committed()

        const report = judgeLives(produced, files.map(readProcessed), committedAtKill)
        const context = [
          `seed ${seed}`,
          ...notes.map((note, i) => `life ${i}: ${note}`),
          `in flight at each kill: ${report.inFlightAtKill.join(' ')}`,
          `redone by each life: ${report.duplicates.join(' ')}`,
          ...lives.map((l, i) => `life ${i} stderr:\n${l.recentStderr}`),
        ].join('\n')
        expectWithinBounds(report, settings.kills, context)
        // the clean close committed everything
        expect(Object.fromEntries(final), context).toEqual(Object.fromEntries(ends))
      },
      settings.timeoutMs,
    )
  })
}
