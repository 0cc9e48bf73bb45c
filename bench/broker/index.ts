import { mkdirSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { printTable } from '../support/table.js'
import { measureRuntimeFloor } from './broker-process.js'
import { removeDir, trackDir } from './cleanup.js'
import { kcatVersion } from './kcat.js'
import { memoryTable, throughputTable } from './report.js'
import { combineRounds } from './rounds.js'
import {
  type Engine,
  type LoadName,
  runScenario,
  type ScenarioResult,
  type ScenarioSettings,
} from './scenario.js'
import { PARTITIONS, recordCountFromEnv, VALUE_BYTES, writeKcatInput } from './workload.js'

/**
 * The broker benchmark: `sluice broker` in its own process, fed and drained
 * by two loads, kcat (librdkafka) and Sluice's protocol encoder, on the
 * memory engine and on the disk engine (fsync every interval, and before
 * every acknowledgement). Each scenario checks its records came back whole
 * before its numbers are kept.
 *
 *   BENCH_BROKER_RECORDS         records per load (default 1,000,000)
 *   BENCH_BROKER_ROUNDS          rounds of every scenario, the fastest kept (default 2)
 *   BENCH_BROKER_FSYNC_ALWAYS=0  leave out the fsync=always engine
 *   BENCH_BROKER_CONNECTIONS     connections of the Sluice producer (default 2)
 *   BENCH_BROKER_CPU_PROF=DIR    write a V8 CPU profile of every broker into DIR
 */

const ENGINES: readonly Engine[] = [
  { name: 'memory' },
  { name: 'disk, fsync interval', fsync: 'interval' },
  { name: 'disk, fsync always', fsync: 'always' },
]

function integerFromEnv(name: string, fallback: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be 1-${max}, got ${raw}`)
  return n
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
}

function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K  ${text}`)
}

export async function run(): Promise<void> {
  const records = recordCountFromEnv()
  const engines = process.env.BENCH_BROKER_FSYNC_ALWAYS === '0' ? ENGINES.slice(0, 2) : ENGINES
  const kcat = kcatVersion()
  const loads: LoadName[] = kcat ? ['kcat', 'sluice'] : ['sluice']
  const connections = integerFromEnv('BENCH_BROKER_CONNECTIONS', 2, 64)
  const rounds = integerFromEnv('BENCH_BROKER_ROUNDS', 2, 20)
  const cpuProfileDir = process.env.BENCH_BROKER_CPU_PROF
    ? resolve(process.env.BENCH_BROKER_CPU_PROF)
    : undefined
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true })

  const workDir = mkdtempSync(join(os.tmpdir(), 'sluice-bench-broker-'))
  trackDir(workDir)
  try {
    const settings: ScenarioSettings = {
      records,
      workDir,
      kcatInput: join(workDir, 'records.txt'),
      produce: { batchRecords: 8000, connections, inFlightPerConnection: 4 },
      fetch: { maxBytes: 50 * 1024 * 1024, partitionMaxBytes: 8 * 1024 * 1024 },
      settleMs: 300,
      cpuProfileDir,
    }
    if (kcat) writeKcatInput(settings.kcatInput, records)
    const runtimeFloor = await measureRuntimeFloor()

    const { produce } = settings
    console.log(
      [
        `Node ${process.version}, kcat ${kcat ?? 'not installed: the kcat rows are left out'}.`,
        `${os.cpus().length} cores, shared by the broker, the load generator (kcat, or this process for the`,
        'Sluice load) and whatever else runs on the machine: a broker well below 100% CPU is waiting on',
        'the load or on the scheduler, not saturated. CPU µs/rec is the steadier figure of broker cost.',
        `Load average before: ${loadAverage()}.`,
        '',
        `Each load writes ${records.toLocaleString('en-US')} keyless ${VALUE_BYTES}-byte records into a ${PARTITIONS}-partition topic`,
        'created up front on a fresh `sluice broker` process (127.0.0.1), then reads all of them back.',
        '  kcat: -P -z none -X linger.ms=5 -X batch.num.messages=10000 -X acks=1 < file (one record per line),',
        "        then -C -o beginning -e -q -f '%p %o\\n' -X fetch.wait.max.ms=10 over all partitions;",
        '        whole kcat runs are timed, start-up included.',
        `  Sluice: encodeRecordBatch + Produce v9, acks=1, one ${produce.batchRecords}-record batch per partition per request`,
        `        (librdkafka's 1 MB batch.size makes ~9,000), ${produce.inFlightPerConnection} requests in flight on each of ${produce.connections}`,
        '        connection(s), encoding included; then Fetch v12 in a loop on one connection (maxBytes 50 MiB,',
        '        8 MiB per partition), reading batch headers.',
        'Every scenario is verified before its numbers are kept: end offsets add up to the records sent, every',
        'offset of every partition is read exactly once, and the last batch of each is decoded, CRC included.',
        '',
      ].join('\n'),
    )

    // whole rounds one after the other, so a burst of outside load spoils one round of everything
    // rather than every round of one scenario
    const results: ScenarioResult[][] = []
    for (let round = 1; round <= rounds; round++) {
      const thisRound: ScenarioResult[] = []
      for (const engine of engines) {
        for (const load of loads) {
          progress(`round ${round} of ${rounds}: ${engine.name}, ${load}`)
          thisRound.push(await runScenario(engine, load, settings))
        }
      }
      results.push(thisRound)
    }
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')

    const combined = combineRounds(results)
    printTable(throughputTable(combined, engines, rounds))
    printTable(memoryTable(combined, records, runtimeFloor))
    console.log(`Load average after: ${loadAverage()}.`)
    if (cpuProfileDir) console.log(`Broker CPU profiles (.cpuprofile) are in ${cpuProfileDir}.`)
  } finally {
    removeDir(workDir)
  }
}
