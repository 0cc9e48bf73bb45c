import { Kafka } from '../../src/index.js'
import type { BrokerTarget } from '../support/brokers.js'
import { childReport, runProcess } from '../support/child-process.js'
import { median } from '../support/stats.js'
import { formatBytes, formatInteger, formatPercent, printTable } from '../support/table.js'
import { TopicSupply } from '../support/topics.js'
import type { BuiltChildren, NodeChildName } from './build-children.js'
import type { KeyedConfig, KeyedReport } from './children/keyed-protocol.js'
import { workMs } from './children/work-delay.js'
import { nodeChild } from './node-child.js'
import { progress, progressDone } from './progress.js'
import { type ConsumerBenchSettings, profileFor } from './settings.js'

/**
 * Part 2: key-ordered concurrency. 10,000 records, keyed round-robin over
 * 10 keys and over 10,000 keys, each costing 0-5 ms of simulated work
 * (workMs), read with ordering 'key' at concurrency 100. The ideal is the
 * issue's: total work / min(keys, concurrency). It cannot be met exactly
 * when keys are fewer than the concurrency (the busiest key's records run
 * one after another, and its share of the work is a little over 1/keys),
 * so the strict lower bound max(work / concurrency, busiest key's work) is
 * shown beside it. kafkajs eachMessage with partitionsConsumedConcurrently
 * runs the same records for contrast: it cannot run two records of one
 * partition at once.
 */

const RECORDS = 10_000
const KEY_COUNTS = [10, 10_000]
const CONCURRENCY = 100
const GOAL = 0.1

interface Ideal {
  totalMs: number
  idealMs: number
  boundMs: number
}

function idealFor(keys: number): Ideal {
  const perKey = new Float64Array(keys)
  let totalMs = 0
  for (let seq = 0; seq < RECORDS; seq++) {
    const ms = workMs(seq)
    perKey[seq % keys] += ms
    totalMs += ms
  }
  const busiest = perKey.reduce((a, b) => Math.max(a, b), 0)
  return {
    totalMs,
    idealMs: totalMs / Math.min(keys, CONCURRENCY),
    boundMs: Math.max(totalMs / CONCURRENCY, busiest),
  }
}

async function writeKeyed(bootstrap: string, topic: string, keys: number): Promise<void> {
  const producer = new Kafka({
    brokers: bootstrap,
    clientId: 'bench-consumer-keyed',
    logger: 'warn',
  }).producer()
  try {
    function* records() {
      for (let seq = 0; seq < RECORDS; seq++) yield { topic, key: `k${seq % keys}`, value: String(seq) }
    }
    for await (const result of producer.sendAll(records())) {
      if (result.error) throw result.error
    }
  } finally {
    await producer.close()
  }
}

type Outcome = KeyedReport | { error: string }

let groups = 0

async function runKeyed(
  built: BuiltChildren,
  child: NodeChildName,
  bootstrap: string,
  topic: string,
  keys: number,
  profile?: { dir: string; name: string },
): Promise<Outcome> {
  const config: KeyedConfig = {
    bootstrap,
    topic,
    records: RECORDS,
    keys,
    groupId: `bench-consumer-keyed-${++groups}-${Date.now().toString(36)}`,
    concurrency: CONCURRENCY,
  }
  const outcome = childReport<KeyedReport>(
    await runProcess(nodeChild(built, child, config, profile), 180_000),
  )
  if ('error' in outcome) return outcome
  const problems: string[] = []
  if (outcome.counted !== RECORDS) problems.push(`handled ${outcome.counted} of ${RECORDS}`)
  if (outcome.violations > 0)
    problems.push(`${outcome.violations} key-order violations (first: ${outcome.firstViolation})`)
  if (outcome.peakConcurrency > CONCURRENCY) problems.push(`${outcome.peakConcurrency} ran at once`)
  return problems.length > 0 ? { error: problems.join('; ') } : outcome
}

const over = (ratio: number) => `${ratio >= 1 ? '+' : ''}${formatPercent(ratio - 1)}`

interface Row {
  keys: number
  ideal: Ideal
  sluice: Outcome[]
  local: Outcome[]
  kafkajs: Outcome[]
}

function passed(outcomes: readonly Outcome[]): KeyedReport[] {
  return outcomes.filter((o): o is KeyedReport => !('error' in o))
}

/** The bound of a run computed from its work as it really lasted. */
function realBoundMs(r: KeyedReport): number {
  return Math.max(r.measuredWorkMs / CONCURRENCY, r.busiestKeyMeasuredMs)
}

/** Median of the per-round ratios a/b where both passed. */
function pairedRatio(a: readonly Outcome[], b: readonly Outcome[]): number | null {
  const ratios = a.flatMap((x, i) => {
    const y = b[i]
    return !('error' in x) && y && !('error' in y) ? [x.wallMs / y.wallMs] : []
  })
  return ratios.length > 0 ? median(ratios) : null
}

function cells(row: Row): string[] {
  const { ideal } = row
  const sluice = passed(row.sluice)
  const local = passed(row.local)
  const kafkajs = passed(row.kafkajs)
  const wall = (list: readonly KeyedReport[]) => median(list.map((r) => r.wallMs))
  const ms = (list: readonly KeyedReport[]) => (list.length > 0 ? `${wall(list).toFixed(0)} ms` : 'failed')
  const versusLocal = pairedRatio(row.sluice, row.local)
  const head = [
    formatInteger(row.keys),
    `${ideal.idealMs.toFixed(0)} ms`,
    `${ideal.boundMs.toFixed(0)} ms`,
    ms(local),
  ]
  const kafkajsCells =
    kafkajs.length > 0
      ? [
          ms(kafkajs),
          over(wall(kafkajs) / ideal.idealMs),
          String(Math.max(...kafkajs.map((r) => r.peakConcurrency))),
        ]
      : [row.kafkajs.length > 0 ? 'failed' : '', '', '']
  if (sluice.length === 0) return [...head, 'failed', '', '', '', '', '', '', ...kafkajsCells]
  const sluiceMs = wall(sluice)
  return [
    ...head,
    ms(sluice),
    over(sluiceMs / ideal.idealMs),
    over(median(sluice.map((r) => r.wallMs / realBoundMs(r)))),
    versusLocal === null ? '' : `${versusLocal.toFixed(2)}x`,
    sluiceMs / ideal.idealMs - 1 <= GOAL ? 'met' : 'MISSED',
    String(Math.max(...sluice.map((r) => r.peakConcurrency))),
    formatBytes(median(sluice.map((r) => r.peakRssBytes))),
    ...kafkajsCells,
  ]
}

export async function keyedPart(
  target: BrokerTarget,
  built: BuiltChildren,
  settings: ConsumerBenchSettings,
): Promise<void> {
  const topics = new TopicSupply(target.bootstrap, 'bench-consumer-keyed')
  const rows: Row[] = []
  const failures: string[] = []
  try {
    for (const keys of KEY_COUNTS) {
      progress(`${target.id}: keyed, ${keys} keys: writing`)
      const topic = await topics.fresh()
      await writeKeyed(target.bootstrap, topic, keys)
      const held = (await topics.stored(topic)).reduce((a, b) => a + b, 0)
      if (held !== RECORDS) throw new Error(`the keyed topic holds ${held} records, not ${RECORDS}`)
      const row: Row = { keys, ideal: idealFor(keys), sluice: [], local: [], kafkajs: [] }
      for (let round = 1; round <= settings.runs; round++) {
        progress(`${target.id}: keyed, ${keys} keys, run ${round} of ${settings.runs}`)
        row.local.push(await runKeyed(built, 'local-keyed', target.bootstrap, topic, keys))
        const profile = profileFor(settings, `keyed-${keys}-${target.id}-run${round}`)
        row.sluice.push(await runKeyed(built, 'sluice-keyed', target.bootstrap, topic, keys, profile))
        row.kafkajs.push(await runKeyed(built, 'kafkajs-keyed', target.bootstrap, topic, keys))
      }
      for (const [who, list] of [
        ['Sluice', row.sluice],
        ['kafkajs', row.kafkajs],
      ] as const) {
        for (const o of list) if ('error' in o) failures.push(`FAILED ${who}, ${keys} keys: ${o.error}`)
      }
      rows.push(row)
      await topics.remove(topic)
    }
  } finally {
    progressDone()
    await topics.close()
  }
  const total = rows[0]?.ideal.totalMs ?? 0
  printTable({
    title: `Key-ordered concurrency ← ${target.label}: ${formatInteger(RECORDS)} records, 0-5 ms of work each (${formatInteger(Math.round(total))} ms in all), concurrency ${CONCURRENCY}, median of ${settings.runs} run(s)`,
    columns: [
      { header: 'keys', align: 'right' },
      { header: 'ideal', align: 'right' },
      { header: 'bound', align: 'right' },
      { header: 'no Kafka', align: 'right' },
      { header: 'Sluice', align: 'right' },
      { header: 'vs ideal', align: 'right' },
      { header: 'vs real bound', align: 'right' },
      { header: 'vs no Kafka', align: 'right' },
      { header: 'goal ≤ +10%', align: 'right' },
      { header: 'peak running', align: 'right' },
      { header: 'peak RSS', align: 'right' },
      { header: 'kafkajs', align: 'right' },
      { header: 'vs ideal', align: 'right' },
      { header: 'peak running', align: 'right' },
    ],
    rows: rows.map(cells),
    notes: [
      "ideal = total work / min(keys, concurrency) (the issue's); bound = max(total work / concurrency, busiest key's work),",
      '  which no key-ordered schedule can beat; the goal is judged against the ideal.',
      "Sluice = kafka.consumer({ ordering: 'key', concurrency: 100 }).run(async work); kafkajs = eachMessage with",
      '  partitionsConsumedConcurrently 100 (3 partitions: at most 3 records at once).',
      'Times run from the first handler starting to the last one finishing (group join and first fetch left out).',
      '"vs real bound" is the bound computed from each record\'s work as it really lasted (start to the moment its wait',
      '  was released), so work that ran long on the loaded machine is not charged to the scheduler.',
      '"no Kafka" is the control: the same records and work in a process of its own, scheduled by in-memory key chains',
      '  (all records known up front, no fetching); "vs no Kafka" = Sluice / control, the median of per-round ratios:',
      '  what the consumer costs over the best schedule on this machine at that moment.',
      'The work is a precise wait (timer, then setImmediate to the deadline), not setTimeout, whose 1 ms resolution',
      "  would dominate 0-5 ms delays. Every run checks that no key ran two records at once, each key's records ran in",
      '  order, every record ran once, and concurrency was never exceeded.',
      ...failures,
    ],
  })
}
