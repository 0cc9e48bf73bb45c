import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { BrokerProcess, type FsyncPolicy } from './broker-process.js'
import { removeDir } from './cleanup.js'
import { kcatConsume, kcatProduce } from './kcat.js'
import type { ProcessMemory } from './proc-stats.js'
import {
  type SluiceFetchOptions,
  type SluiceProduceOptions,
  sluiceFetch,
  sluiceProduce,
} from './sluice-load.js'
import { createTopic, endOffsets } from './topic-admin.js'
import { checkIngested, checkKcatConsume, checkProducedRanges, checkSluiceFetch } from './verify.js'
import { PARTITIONS, TOPIC } from './workload.js'

/**
 * One scenario: a fresh broker process for one engine, one load writing the
 * records into a new three-partition topic and the same load reading them
 * all back. A fresh broker per scenario keeps each memory figure about that
 * scenario alone.
 */

export interface Engine {
  name: string
  /** Absent for the memory engine. */
  fsync?: FsyncPolicy
}

export type LoadName = 'kcat' | 'sluice'

export interface Phase {
  records: number
  seconds: number
  /** CPU the broker process used during the phase. */
  brokerCpuSeconds: number
  /** CPU the load generator used, when it can be measured. */
  loadCpuSeconds: number | null
}

export interface ScenarioResult {
  engine: Engine
  load: LoadName
  ingest: Phase
  fetch: Phase
  memory: { idle: ProcessMemory; afterIngest: ProcessMemory; afterFetch: ProcessMemory }
}

export interface ScenarioSettings {
  records: number
  /** Holds the engine's data dir. */
  workDir: string
  kcatInput: string
  produce: Omit<SluiceProduceOptions, 'records' | 'partitions'>
  fetch: SluiceFetchOptions
  /** Lets the broker go quiet (GC, fsync timers) before its memory is read. */
  settleMs: number
  cpuProfileDir?: string
}

/** Runs one load phase and charges the broker's CPU over it to the phase. */
async function timed<T extends { seconds: number; cpuSeconds: number | null }>(
  broker: BrokerProcess,
  records: number,
  run: () => Promise<T>,
): Promise<{ phase: Phase; result: T }> {
  const cpuBefore = broker.cpuSeconds()
  const result = await run()
  const brokerCpuSeconds = broker.cpuSeconds() - cpuBefore
  return {
    phase: { records, seconds: result.seconds, brokerCpuSeconds, loadCpuSeconds: result.cpuSeconds },
    result,
  }
}

interface LoadOutcome {
  ingest: Phase
  fetch: Phase
  afterIngest: ProcessMemory
}

async function settledMemory(broker: BrokerProcess, settings: ScenarioSettings): Promise<ProcessMemory> {
  await sleep(settings.settleMs)
  return broker.memory()
}

async function kcatLoad(
  broker: BrokerProcess,
  engine: Engine,
  settings: ScenarioSettings,
): Promise<LoadOutcome> {
  const { bootstrap } = broker
  const written = await timed(broker, settings.records, () =>
    kcatProduce(bootstrap, TOPIC, settings.kcatInput),
  )
  const ends = await endOffsets(bootstrap, TOPIC, PARTITIONS)
  checkIngested(`kcat on ${engine.name}`, ends, settings.records)
  const afterIngest = await settledMemory(broker, settings)
  const read = await timed(broker, settings.records, () => kcatConsume(bootstrap, TOPIC))
  checkKcatConsume(read.result, ends)
  return { ingest: written.phase, fetch: read.phase, afterIngest }
}

async function sluiceLoad(
  broker: BrokerProcess,
  engine: Engine,
  settings: ScenarioSettings,
): Promise<LoadOutcome> {
  const { bootstrap } = broker
  const { records } = settings
  const written = await timed(broker, records, () =>
    sluiceProduce(bootstrap, TOPIC, { ...settings.produce, records, partitions: PARTITIONS }),
  )
  const ends = await endOffsets(bootstrap, TOPIC, PARTITIONS)
  checkIngested(`Sluice load on ${engine.name}`, ends, records)
  checkProducedRanges(written.result.ranges, ends)
  const afterIngest = await settledMemory(broker, settings)
  const read = await timed(broker, records, () => sluiceFetch(bootstrap, TOPIC, ends, settings.fetch))
  checkSluiceFetch(read.result, ends)
  return { ingest: written.phase, fetch: read.phase, afterIngest }
}

export async function runScenario(
  engine: Engine,
  load: LoadName,
  settings: ScenarioSettings,
): Promise<ScenarioResult> {
  const dataDir = engine.fsync ? join(settings.workDir, `data-${engine.fsync}-${load}`) : undefined
  if (dataDir) mkdirSync(dataDir)
  let broker: BrokerProcess | null = null
  try {
    broker = await BrokerProcess.start({
      dataDir,
      fsync: engine.fsync,
      cpuProfileDir: settings.cpuProfileDir,
    })
    const idle = await settledMemory(broker, settings)
    await createTopic(broker.bootstrap, TOPIC, PARTITIONS)
    const outcome = await (load === 'kcat' ? kcatLoad : sluiceLoad)(broker, engine, settings)
    const afterFetch = await settledMemory(broker, settings)
    await broker.stop()
    return {
      engine,
      load,
      ingest: outcome.ingest,
      fetch: outcome.fetch,
      memory: { idle, afterIngest: outcome.afterIngest, afterFetch },
    }
  } catch (err) {
    const stderr = broker?.recentStderr.trim()
    if (stderr && err instanceof Error) err.message += `\nbroker stderr:\n${stderr}`
    throw err
  } finally {
    if (broker?.running) await broker.stop().catch(() => {})
    if (dataDir) removeDir(dataDir)
  }
}
