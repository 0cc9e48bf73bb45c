import { mkdirSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { removeDir, trackDir } from '../broker/cleanup.js'
import { kcatVersion } from '../broker/kcat.js'
import { startTarget } from '../support/brokers.js'
import { profileTable, summarizeProfiles } from '../support/profile-summary.js'
import { nodeFloorBytes } from '../support/runtime-floor.js'
import { formatBytes, printTable } from '../support/table.js'
import { buildChildren } from './build-children.js'
import { keyedPart } from './keyed.js'
import { latencyPart } from './latency.js'
import { overloadPart } from './overload.js'
import { type ConsumerBenchSettings, profileGroups, settingsFromEnv } from './settings.js'
import { throughputPart } from './throughput.js'
import { THROUGHPUT_CLIENTS } from './throughput-clients.js'

/**
 * The consumer benchmark (issue 13), on the embedded broker and on Apache
 * Kafka, each in a process of its own, with every client in its own
 * process too:
 *   throughput  a million records read from the beginning by Sluice (run, runBatch), kcat,
 *               the Java consumer, kafkajs (eachBatch, eachMessage) and @platformatic/kafka;
 *   keyed       ordering 'key' at concurrency 100 against the ideal schedule;
 *   overload    a producer far faster than the handler: memory stays bounded, nothing is lost;
 *   latency     producer to handler at a steady rate, Sluice beside kafkajs and @platformatic/kafka.
 * Settings: see settings.ts (BENCH_CONSUMER_QUICK=1 for a smoke run).
 */

/**
 * An overload that writes more than this runs the embedded broker on its
 * disk engine: past its memory budget (512 MiB by default) the memory engine
 * releases the oldest records as retention would, and a consumer that far
 * behind loses them (seen: 24 M records in 60 s at full speed, the consumer
 * reset past 1.3 M released offsets).
 */
const MEMORY_ENGINE_OVERLOAD_BYTES = 256 * 2 ** 20
/** Bytes a 100-byte record takes in the log, batch overhead included (rounded up). */
const LOG_BYTES_PER_RECORD = 110
/** What the unthrottled producer reaches on this kind of machine, for the estimate. */
const UNTHROTTLED_RECORDS_PER_SECOND = 500_000

function loadLine(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
}

function printProfiles(settings: ConsumerBenchSettings): void {
  const dir = settings.cpuProfileDir
  if (!dir) return
  for (const group of profileGroups(settings)) {
    const summary = summarizeProfiles(dir, group.prefix, 20)
    if (summary.files === 0) continue
    printTable(profileTable(`CPU profile, ${group.title}, top functions by self time`, summary))
  }
  console.log(`CPU profiles (.cpuprofile, open in Chrome DevTools) are in ${dir}.\n`)
}

export async function run(): Promise<void> {
  const settings = settingsFromEnv()
  if (settings.cpuProfileDir) mkdirSync(settings.cpuProfileDir, { recursive: true })
  const wantJava = settings.parts.includes('throughput') && settings.clients.includes('java')
  const built = await buildChildren(wantJava)
  const clients = THROUGHPUT_CLIENTS.filter((c) => settings.clients.includes(c.id))
  const usable = clients.filter((c) => c.unavailable(built) === null)
  const floor = await nodeFloorBytes()
  console.log(
    [
      `${settings.quick ? 'QUICK MODE (smoke run, not for the record). ' : ''}Node ${process.version}, kcat ${kcatVersion() ?? 'not installed'}, ${os.cpus().length} cores shared by clients and broker.`,
      `Parts: ${settings.parts.join(', ')}. Load average before: ${loadLine()}.`,
      'Every client runs in its own process (the Node ones as plain JavaScript bundles under `node`, no tsx loader),',
      'the brokers in theirs.',
      `A bare \`node\` process peaks at ${floor === null ? 'n/a' : formatBytes(floor)} before loading anything: the floor under every Node client's RSS.`,
      '',
    ].join('\n'),
  )
  if (settings.parts.includes('throughput')) {
    for (const client of clients) {
      const why = client.unavailable(built)
      if (why) console.log(`${client.label} left out: ${why}`)
    }
  }
  const overloadRate = settings.overloadRate > 0 ? settings.overloadRate : UNTHROTTLED_RECORDS_PER_SECOND
  const overloadBytes = overloadRate * settings.overloadSeconds * LOG_BYTES_PER_RECORD
  const diskEngine = settings.parts.includes('overload') && overloadBytes > MEMORY_ENGINE_OVERLOAD_BYTES
  const dataDir = diskEngine ? mkdtempSync(join(os.tmpdir(), 'sluice-bench-consumer-')) : undefined
  if (dataDir) trackDir(dataDir)
  let failures = 0
  for (const broker of settings.brokers) {
    const started = await startTarget(broker, { embeddedDataDir: dataDir })
    if ('skipped' in started) {
      console.log(`${started.skipped}\n`)
      continue
    }
    const { target } = started
    try {
      console.log(`--- ${target.label} ---\n`)
      const parts = {
        throughput: () => throughputPart(target, usable, built, settings),
        keyed: () => keyedPart(target, built, settings),
        overload: () => overloadPart(target, built, settings),
        latency: () => latencyPart(target, built, settings),
      }
      for (const part of settings.parts) {
        // one part failing says so and leaves the others their turn
        try {
          await parts[part]()
        } catch (err) {
          failures++
          console.log(`FAILED: ${part} on ${target.id}: ${(err as Error)?.stack ?? err}\n`)
        }
      }
      console.log(`Load average after ${target.id}: ${loadLine()}.\n`)
    } finally {
      await target.stop()
    }
  }
  if (dataDir) removeDir(dataDir)
  printProfiles(settings)
  if (failures > 0) process.exitCode = 1
}
