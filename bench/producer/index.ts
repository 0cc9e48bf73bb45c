import { mkdirSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { removeDir, trackDir } from '../broker/cleanup.js'
import { kcatVersion } from '../broker/kcat.js'
import { VALUE_BYTES, writeKcatInput } from '../broker/workload.js'
import { type BrokerTarget, startTarget } from '../support/brokers.js'
import { profileTable, summarizeProfiles } from '../support/profile-summary.js'
import { nodeFloorBytes } from '../support/runtime-floor.js'
import { formatBytes, formatInteger, printTable } from '../support/table.js'
import { PARTITIONS, TopicSupply } from '../support/topics.js'
import { buildChildren } from './build-children.js'
import { CLIENTS, type ClientContext, type ClientDefinition } from './clients.js'
import { producerTable, summarize, targetLines } from './report.js'
import { ACK_PROFILES, type CaseRun, runCase } from './run-case.js'
import { type ProducerBenchSettings, settingsFromEnv } from './settings.js'
import { warmUpBroker } from './warm-up.js'

/**
 * The producer benchmark (issue 12): a million 100-byte records into a
 * 3-partition topic, acks 1 and acks all with idempotence, from Sluice
 * (sendAll and un-awaited send on its defaults, and sendAll batching as
 * librdkafka does), kcat, the Java producer, kafkajs and
 * @platformatic/kafka, each in its own process, against the embedded broker
 * and against Apache Kafka, each in its own process too. Runs are
 * interleaved (every client once, then every client again) so a burst of
 * load from elsewhere spoils one run of everything rather than every run of
 * one client. Settings: see settings.ts (BENCH_PRODUCER_QUICK=1 for a smoke run).
 */

const VALUE_POOL = 1024

function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K  ${text}`)
}

function progressDone(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')
}

function describeRun(run: CaseRun, records: number): string {
  if (!run.ok) return `FAILED: ${run.error}`
  const rate = Math.round(records / run.seconds)
  return `${formatInteger(rate)} rec/s, ${formatBytes(run.peakRssBytes)} peak, ${run.cpuSeconds.toFixed(2)} s CPU, broker ${run.brokerCpuSeconds.toFixed(2)} s`
}

function ackShort(label: string): string {
  return label.startsWith('acks 1') ? 'acks1' : 'acksall'
}

async function benchBroker(
  target: BrokerTarget,
  clients: readonly ClientDefinition[],
  ctx: ClientContext,
): Promise<void> {
  const { settings } = ctx
  const topics = new TopicSupply(target.bootstrap, 'bench-producer')
  const runs = new Map<string, CaseRun[]>()
  const key = (client: ClientDefinition, ackLabel: string) => `${ackLabel}\u0000${client.id}`
  const verbose = process.env.BENCH_PRODUCER_VERBOSE === '1'
  try {
    progress(`${target.id}: warming the broker up`)
    await warmUpBroker(target, topics, settings.records)
    for (let round = 1; round <= settings.runs; round++) {
      for (const ack of ACK_PROFILES) {
        for (const client of clients) {
          progress(`${target.id}, run ${round} of ${settings.runs}: ${ack.label}, ${client.label}`)
          const profileName =
            settings.cpuProfileDir && client.id.startsWith('sluice')
              ? `${client.id}-${target.id}-${ackShort(ack.label)}-run${round}.cpuprofile`
              : undefined
          const run = await runCase(target, topics, client, ack, ctx, profileName)
          const list = runs.get(key(client, ack.label)) ?? []
          list.push(run)
          runs.set(key(client, ack.label), list)
          if (verbose || !run.ok) {
            progressDone()
            console.error(
              `  ${target.id} run ${round}, ${ack.label}, ${client.label}: ${describeRun(run, settings.records)}`,
            )
          }
        }
      }
    }
  } finally {
    progressDone()
    await topics.close()
  }
  const groups = ACK_PROFILES.map((ack) =>
    clients.map((client) => summarize(client, ack, runs.get(key(client, ack.label)) ?? [], settings.records)),
  )
  printTable(producerTable(target, groups, settings.records, settings.runs))
  for (const group of groups) {
    console.log(`  how each client was driven, ${group[0]?.ack.label}:`)
    for (const s of group) if (s.method) console.log(`    ${s.client.label}: ${s.method}`)
  }
  for (const group of groups) {
    for (const s of group) {
      if (s.detail) console.log(`  ${s.client.label}, ${s.ack.label}, its metrics (median run): ${s.detail}`)
    }
  }
  console.log('')
  console.log(`${targetLines(target, groups).join('\n')}\n`)
}

function printProfiles(settings: ProducerBenchSettings): void {
  const dir = settings.cpuProfileDir
  if (!dir) return
  for (const broker of settings.brokers) {
    for (const ack of ACK_PROFILES) {
      for (const id of settings.clients.filter((c) => c.startsWith('sluice'))) {
        const prefix = `${id}-${broker}-${ackShort(ack.label)}-`
        const summary = summarizeProfiles(dir, prefix, 15)
        if (summary.files === 0) continue
        printTable(
          profileTable(`CPU profile, ${id}, ${broker}, ${ack.label}, top functions by self time`, summary),
        )
      }
    }
  }
  console.log(`CPU profiles (.cpuprofile, open in Chrome DevTools) are in ${dir}.\n`)
}

export async function run(): Promise<void> {
  const settings = settingsFromEnv()
  if (settings.cpuProfileDir) mkdirSync(settings.cpuProfileDir, { recursive: true })
  const workDir = mkdtempSync(join(os.tmpdir(), 'sluice-bench-producer-'))
  trackDir(workDir)
  try {
    const kcatInput = join(workDir, 'records.txt')
    const valuesFile = join(workDir, 'values.txt')
    // the others cycle through the first values of the very list kcat reads
    writeKcatInput(valuesFile, VALUE_POOL)
    if (settings.clients.includes('kcat')) writeKcatInput(kcatInput, settings.records)
    const built = await buildChildren(settings.clients.includes('java'))
    const ctx: ClientContext = { settings, built, kcatInput, valuesFile }
    const clients = CLIENTS.filter((c) => settings.clients.includes(c.id))
    const usable = clients.filter((c) => c.unavailable(ctx) === null)
    const floor = await nodeFloorBytes()

    console.log(
      [
        `${settings.quick ? 'QUICK MODE (smoke run, not for the record). ' : ''}Node ${process.version}, kcat ${kcatVersion() ?? 'not installed'}, ${os.cpus().length} cores shared by client and broker.`,
        `Load average before: ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}.`,
        '',
        `Each run produces ${formatInteger(settings.records)} keyless records of ${VALUE_BYTES} B (distinct text values; the programmatic`,
        `clients cycle through ${VALUE_POOL} of them, kcat reads all from a file) into a fresh ${PARTITIONS}-partition topic, then checks`,
        'the high watermarks (ListOffsets over a bare protocol connection) add up to exactly the records produced.',
        'Every client runs in its own process with its defaults, except acks and idempotence (and the tuned Sluice row:',
        `${JSON.stringify(settings.tunedOptions)}, sendAll maxInFlight ${settings.tunedWindow}); the brokers run in theirs,`,
        "and each first ingests two runs' worth of records through the bare protocol layer, so no client pays for its JIT warm-up.",
        'The Node clients run as plain JavaScript bundles under `node` (no tsx loader), the Java one on the JVM defaults.',
        `A bare \`node\` process peaks at ${floor === null ? 'n/a' : formatBytes(floor)} before loading anything: the floor under every Node client's RSS.`,
        '',
      ].join('\n'),
    )
    for (const client of clients) {
      const why = client.unavailable(ctx)
      if (why) console.log(`${client.label} left out: ${why}`)
    }

    for (const broker of settings.brokers) {
      const started = await startTarget(broker)
      if ('skipped' in started) {
        console.log(`${started.skipped}\n`)
        continue
      }
      try {
        await benchBroker(started.target, usable, ctx)
      } finally {
        await started.target.stop()
      }
    }
    printProfiles(settings)
    console.log(
      `Targets (issue 12): Sluice ≥ 1.0x kcat and ≥ 5x @platformatic/kafka on the same broker, Sluice peak RSS ≤ 80 MiB.`,
    )
  } finally {
    removeDir(workDir)
  }
}
