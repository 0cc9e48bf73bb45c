import { sluiceFetch, sluiceProduce } from '../broker/sluice-load.js'
import type { BrokerTarget } from '../support/brokers.js'
import { printTable } from '../support/table.js'
import { PARTITIONS, TopicSupply } from '../support/topics.js'
import type { BuiltChildren } from './build-children.js'
import { progress, progressDone } from './progress.js'
import { type ConsumerBenchSettings, profileFor } from './settings.js'
import type { ThroughputClient } from './throughput-clients.js'
import { summarize, throughputGoals, throughputTable } from './throughput-report.js'
import { type PreparedTopic, runThroughput, type ThroughputRun } from './throughput-run.js'

/**
 * Part 1: every consumer reads the same topic of `records` 100-byte
 * records from the beginning. The topic is written once per broker through
 * the bare protocol layer (bench/broker's load: batches of 4000, nothing of
 * the clients under test) and read twice the same way before anything is
 * measured, so no client pays for warming the broker's fetch path. Runs are
 * interleaved (every client once, then every client again).
 */

async function prepareTopic(
  target: BrokerTarget,
  topics: TopicSupply,
  records: number,
): Promise<PreparedTopic> {
  const topic = await topics.fresh()
  await sluiceProduce(target.bootstrap, topic, {
    records,
    partitions: PARTITIONS,
    batchRecords: 4000,
    connections: 1,
    inFlightPerConnection: 4,
  })
  const ends = await topics.stored(topic)
  const held = ends.reduce((a, b) => a + b, 0)
  if (held !== records)
    throw new Error(`the topic holds ${held} records (${ends.join(' + ')}), not ${records}`)
  for (let pass = 0; pass < 2; pass++) {
    await sluiceFetch(target.bootstrap, topic, ends, { maxBytes: 50 << 20, partitionMaxBytes: 1 << 20 })
  }
  return { topic, ends, records }
}

function describeRun(run: ThroughputRun, records: number): string {
  if (!run.ok) return `FAILED: ${run.error}`
  return `${Math.round(records / run.readingSeconds)} rec/s, first record ${run.firstRecordSeconds.toFixed(2)} s, ${(run.peakRssBytes / 2 ** 20).toFixed(1)} MiB peak, ${run.cpuSeconds.toFixed(2)} s CPU`
}

export async function throughputPart(
  target: BrokerTarget,
  clients: readonly ThroughputClient[],
  built: BuiltChildren,
  settings: ConsumerBenchSettings,
): Promise<void> {
  const topics = new TopicSupply(target.bootstrap, 'bench-consumer')
  const runs = new Map<ThroughputClient, ThroughputRun[]>(clients.map((c) => [c, []]))
  try {
    progress(`${target.id}: writing ${settings.records} records`)
    const prepared = await prepareTopic(target, topics, settings.records)
    for (let round = 1; round <= settings.runs; round++) {
      for (const client of clients) {
        progress(`${target.id}, run ${round} of ${settings.runs}: ${client.label}`)
        const profile = client.id.startsWith('sluice')
          ? profileFor(settings, `${client.id}-${target.id}-run${round}`)
          : undefined
        const run = await runThroughput(target, prepared, client, built, profile)
        runs.get(client)!.push(run)
        if (settings.verbose || !run.ok) {
          progressDone()
          console.error(`  ${target.id} run ${round}, ${client.label}: ${describeRun(run, settings.records)}`)
        }
      }
    }
    await topics.remove(prepared.topic)
  } finally {
    progressDone()
    await topics.close()
  }
  const summaries = clients.map((c) => summarize(c, runs.get(c)!, settings.records))
  printTable(throughputTable(target, summaries, settings.records, settings.runs))
  console.log('  how each client was driven:')
  for (const s of summaries) if (s.method) console.log(`    ${s.client.label}: ${s.method}`)
  for (const s of summaries)
    if (s.detail) console.log(`  ${s.client.label}, its metrics (median run): ${s.detail}`)
  console.log(`\n${throughputGoals(target, summaries).join('\n')}\n`)
}
