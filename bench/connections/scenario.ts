import { setTimeout as sleep } from 'node:timers/promises'
import { BrokerProcess } from '../broker/broker-process.js'
import { createTopic, endOffsets } from '../broker/topic-admin.js'
import { IdleConnections } from './idle-connections.js'
import {
  type ProbeResult,
  ProduceLoad,
  type ProduceLoadResult,
  runJanitor,
  runLatencyProbe,
} from './producers.js'

/**
 * One round of the connection benchmark on a fresh `sluice broker`
 * process: optionally open the idle connections, then run the producers
 * and the latency probe for a fixed time, sampling the broker's memory, and
 * check afterwards that every idle connection still answers and that the
 * topic holds exactly the records that were acknowledged.
 */

export interface ConnectionSettings {
  idleConnections: number
  producers: number
  partitions: number
  batchRecords: number
  durationMs: number
}

export interface ConnectionScenarioResult {
  /** Idle connections opened (0 for the baseline). */
  idleOpened: number
  /** Of those, still open when the load had stopped. */
  idleOpenAtEnd: number
  /** Of those, answering a second ApiVersions at the end. */
  idleAnsweringAtEnd: number
  load: ProduceLoadResult
  probe: ProbeResult
  seconds: number
  memory: {
    /** Fresh broker, topic created, no other connection. */
    idle: number
    /** With the idle connections open (equals `idle` for the baseline). */
    withIdle: number
    /** Highest VmRSS sampled while the producers ran. */
    peakUnderLoad: number
    /** One second after the producers stopped. */
    afterLoad: number
  }
  brokerCpuSeconds: number
  loadCpuSeconds: number
}

const TOPIC = 'bench-connections'
const SETTLE_MS = 500
const SAMPLE_INTERVAL_MS = 250
const JANITOR_INTERVAL_MS = 500

export async function runConnectionScenario(
  settings: ConnectionSettings,
  withIdle: boolean,
): Promise<ConnectionScenarioResult> {
  const broker = await BrokerProcess.start({})
  let idle: IdleConnections | null = null
  let load: ProduceLoad | null = null
  try {
    await createTopic(broker.bootstrap, TOPIC, settings.partitions)
    await sleep(SETTLE_MS)
    const idleRss = broker.memory().rss
    if (withIdle) idle = await IdleConnections.open(broker.bootstrap, settings.idleConnections)
    await sleep(SETTLE_MS)
    const withIdleRss = broker.memory().rss

    load = await ProduceLoad.connect(broker.bootstrap, {
      topic: TOPIC,
      partitions: settings.partitions,
      producers: settings.producers,
      batchRecords: settings.batchRecords,
    })
    let over = false
    let peak = 0
    const cpuBefore = broker.cpuSeconds()
    const loadCpuBefore = process.cpuUsage()
    const started = performance.now()
    const timer = setTimeout(() => {
      over = true
    }, settings.durationMs)
    const sampler = (async () => {
      while (!over) {
        await sleep(SAMPLE_INTERVAL_MS)
        peak = Math.max(peak, broker.memory().rss)
      }
    })()
    const [loadResult, probe] = await Promise.all([
      load.run(() => over),
      runLatencyProbe(broker.bootstrap, TOPIC, () => over),
      runJanitor(broker.bootstrap, TOPIC, settings.partitions, JANITOR_INTERVAL_MS, () => over),
    ]).finally(() => clearTimeout(timer))
    await sampler
    const seconds = (performance.now() - started) / 1000
    const brokerCpuSeconds = broker.cpuSeconds() - cpuBefore
    const loadCpu = process.cpuUsage(loadCpuBefore)
    await load.close()
    load = null

    await sleep(1000)
    const afterLoad = broker.memory().rss
    const idleOpenAtEnd = idle?.open ?? 0
    const idleAnsweringAtEnd = idle ? await idle.answering() : 0

    const ends = await endOffsets(broker.bootstrap, TOPIC, settings.partitions)
    const expected = loadResult.acknowledged.map((n, p) => n + (p === 0 ? probe.records : 0))
    if (ends.some((end, p) => end !== expected[p])) {
      throw new Error(
        `end offsets ${ends.join(', ')} differ from the records acknowledged ${expected.join(', ')}`,
      )
    }
    await broker.stop()
    return {
      idleOpened: idle?.size ?? 0,
      idleOpenAtEnd,
      idleAnsweringAtEnd,
      load: loadResult,
      probe,
      seconds,
      memory: { idle: idleRss, withIdle: withIdleRss, peakUnderLoad: peak, afterLoad },
      brokerCpuSeconds,
      loadCpuSeconds: (loadCpu.user + loadCpu.system) / 1e6,
    }
  } catch (err) {
    const stderr = broker.recentStderr.trim()
    if (stderr && err instanceof Error) err.message += `\nbroker stderr:\n${stderr}`
    throw err
  } finally {
    idle?.close()
    await load?.close().catch(() => {})
    if (broker.running) await broker.stop().catch(() => {})
  }
}
