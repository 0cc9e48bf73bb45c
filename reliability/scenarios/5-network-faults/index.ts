import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { LoggingConsumerConfig, LoggingConsumerResult } from '../../children/logging-consumer.js'
import { AckingProducer } from '../../support/acking-producer.js'
import { ClientProcess } from '../../support/client-process.js'
import { judgeConsumed } from '../../support/consumed-checks.js'
import { MemoryWatch } from '../../support/memory-watch.js'
import { readRecordLog } from '../../support/record-log.js'
import {
  check,
  type RunOptions,
  type Scenario,
  type ScenarioResult,
  type TargetName,
} from '../../support/scenario.js'
import { judgeStored } from '../../support/stored-checks.js'
import { Toxiproxy } from '../../support/toxiproxy.js'
import { FaultSchedule, FULL, SHORT } from './phases.js'
import { judgeProducer, readSamples } from './producer-verdict.js'
import { startProxiedTarget } from './proxied-target.js'

/**
 * Scenario 5, network faults: one producer (acks all, idempotent, a 4 MiB
 * buffer) and one consumer group member, both talking to the broker only
 * through Toxiproxy, while the link goes through latency, periodic resets,
 * a bandwidth throttle and a 10 s blackhole (phases.ts), then heals. The
 * producer must block within its budget and recover, the consumer resume
 * from its committed offsets, both stay within their memory bounds, and
 * kcat's reading of the topic (around the proxy) must hold every
 * acknowledged record once and show every record processed.
 */

const PARTITIONS = 3
const KEYS = 64
/**
 * 1 MB/s: steady on two shared cores, and about 4x what the throttled link
 * carries, so the buffer fills. Fewer, larger records make less garbage for
 * V8, whose heap growth between collections is most of the RSS noise.
 */
const RECORDS_PER_SECOND = 1000
const VALUE_BYTES = 1024
const BUFFER_BYTES = 4 << 20
/** sendAll's window is wider than the buffer holds (20k x ~1 KiB), so the buffer is what stops sends. */
const SEND_WINDOW = 20_000
const CONSUMER = {
  maxBufferedBytes: 4 << 20,
  maxBufferedRecords: 5000,
  fetchMaxBytes: 1 << 20,
  commitIntervalMs: 1000,
}
/** Shorter than the blackhole, so the group coordinator drops the member and it must rejoin from its commits. */
const SESSION_TIMEOUT_MS = 8000
const SLACK = 0.1
/**
 * Both clients collect garbage fully every 250 ms (the children do so when
 * gc is exposed), so their RSS is what they keep, which is what the budgets
 * bound. Without it V8 leaves 20-40 MiB of garbage between collections: a
 * full run measured a live heap flat at 12-17 MiB while RSS rose 35 MiB.
 */
const CLIENT_ENV = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim() }
const MiB = 1 << 20

async function run(targetName: TargetName, options: RunOptions): Promise<ScenarioResult[]> {
  const began = performance.now()
  const durations = options.short ? SHORT : FULL
  const topic = `network-faults-${options.seed}`
  const groupId = `network-faults-group-${options.seed}`
  const toxiproxy = await Toxiproxy.start()
  const watch = new MemoryWatch()
  let producer: AckingProducer | undefined
  let consumer: ClientProcess<LoggingConsumerResult> | undefined
  let target: Awaited<ReturnType<typeof startProxiedTarget>> | undefined
  try {
    const link = await toxiproxy.createLink('broker')
    target = await startProxiedTarget(targetName, link, PARTITIONS, options.workDir)
    options.log(`  clients go through Toxiproxy at ${target.bootstrap}`)
    const metricsLog = join(options.workDir, 'producer-metrics.jsonl')
    producer = new AckingProducer(
      {
        bootstrap: target.bootstrap,
        topic,
        workDir: options.workDir,
        keys: KEYS,
        valueBytes: VALUE_BYTES,
        maxInFlight: SEND_WINDOW,
        metricsLog,
        env: CLIENT_ENV,
        producer: { bufferBytes: BUFFER_BYTES, rate: { recordsPerSecond: RECORDS_PER_SECOND } },
      },
      watch,
    )
    // the producer creates the topic; the consumer starts once it exists and reads it from the beginning
    await producer.waitForMoreAcks(1, 60_000, 'the first record')
    const processedLog = join(options.workDir, 'processed.log')
    writeFileSync(processedLog, '')
    const consumerConfig: LoggingConsumerConfig = {
      bootstrap: target.bootstrap,
      processedLog,
      handlerMs: [0, 0],
      consumer: {
        groupId,
        topics: [topic],
        fromBeginning: true,
        commitIntervalMs: CONSUMER.commitIntervalMs,
        sessionTimeoutMs: SESSION_TIMEOUT_MS,
        maxBufferedBytes: CONSUMER.maxBufferedBytes,
        maxBufferedRecords: CONSUMER.maxBufferedRecords,
        fetch: { maxBytes: CONSUMER.fetchMaxBytes },
      },
    }
    consumer = new ClientProcess<LoggingConsumerResult>('logging-consumer', consumerConfig, CLIENT_ENV)
    watch.watch('consumer', consumer.pid)

    const schedule = new FaultSchedule(link, durations, options.log)
    const baseline = { producer: 0, consumer: 0 }
    const running = { producer, consumer }
    await schedule.run(
      async (since) => {
        const before = running.producer.acked()
        await running.producer.waitForMoreAcks(1, 90_000, 'acks after the blackhole').catch(() => undefined)
        options.log(
          `  acks resumed ${((Date.now() - since) / 1000).toFixed(1)} s after the blackhole (${before} before)`,
        )
      },
      () => {
        // the baseline: each process's peak RSS over its first seconds of work on a clean link
        watch.poll()
        baseline.producer = watch.peak('producer')
        baseline.consumer = watch.peak('consumer')
      },
    )

    const sent = await producer.stop(60_000)
    const acked = readRecordLog(producer.ackLog)
    options.log(
      `  producer stopped: ${sent.sent} sent, ${sent.acked} acked; waiting for the consumer to catch up`,
    )
    const caughtUpMs = await waitForConsumer(
      consumer,
      processedLog,
      new Set(acked.map((r) => r.value)),
      90_000,
    )
    watch.poll()
    const consumerExit = await consumer.end('SIGTERM')
    // the clients' own warnings (reconnects, timeouts), kept with the logs for a failed run
    writeFileSync(join(options.workDir, 'producer.stderr'), producer.stderr)
    writeFileSync(join(options.workDir, 'consumer.stderr'), consumer.recentStderr)
    const stored = await target.readTopic(topic)

    const storedVerdict = judgeStored(sent, acked, stored)
    const disruptions = schedule.resets + 1
    const perDisruption =
      RECORDS_PER_SECOND * (CONSUMER.commitIntervalMs / 1000) + CONSUMER.maxBufferedRecords
    const consumed = judgeConsumed(
      stored,
      [readRecordLog(processedLog)],
      disruptions * perDisruption,
      `${disruptions} disruptions (${schedule.resets} resets + the blackhole) × (one commit interval at the producer's rate + the consumer's buffer, ${perDisruption} records)`,
    )
    // one consumer life that the blackhole drops from the group: it rejoins and goes back to its
    // commits within the same process, so repeats within the life are the bounded duplicates
    const consumedVerdict = {
      ...consumed,
      checks: consumed.checks.filter((c) => !c.what.startsWith('no record was processed twice by one life')),
    }
    const producerVerdict = judgeProducer(readSamples(metricsLog), schedule.spans)
    const bounds = {
      producer: Math.round((baseline.producer + BUFFER_BYTES) * (1 + SLACK)),
      consumer: Math.round(
        (baseline.consumer + CONSUMER.maxBufferedBytes + CONSUMER.fetchMaxBytes) * (1 + SLACK),
      ),
    }
    const memory = watch.figures(bounds)
    const memoryChecks = memory.map((m) =>
      check(
        `${m.name} peak RSS within (baseline + budget) + 10 %`,
        m.boundBytes !== undefined && m.peakBytes <= m.boundBytes,
        `peak ${(m.peakBytes / MiB).toFixed(1)} MiB, baseline ${(baseline[m.name as keyof typeof baseline] / MiB).toFixed(1)} MiB, bound ${((m.boundBytes ?? 0) / MiB).toFixed(1)} MiB`,
      ),
    )
    return [
      {
        scenario: scenario.id,
        target: targetName,
        variant: '',
        sent: sent.sent,
        acked: acked.length,
        consumed: consumedVerdict.consumed,
        lost: storedVerdict.lost + consumedVerdict.lost,
        duplicated: storedVerdict.duplicated + consumedVerdict.duplicated,
        memory,
        checks: [
          ...storedVerdict.checks,
          ...consumedVerdict.checks,
          ...producerVerdict.checks,
          check(
            'the consumer caught up and closed cleanly (SIGTERM: drain, commit, exit 0)',
            caughtUpMs >= 0 && consumerExit === 0,
            `exit ${consumerExit}, caught up ${caughtUpMs} ms after the producer stopped`,
          ),
          ...memoryChecks,
        ],
        notes: [
          ...storedVerdict.notes,
          ...producerVerdict.notes,
          `consumer: ${JSON.stringify(consumer.result)}`,
        ],
        seconds: (performance.now() - began) / 1000,
      },
    ]
  } finally {
    watch.stop()
    await producer?.kill()
    await consumer?.end('SIGKILL')
    await target?.close()
    await toxiproxy.close()
  }
}

/**
 * Waits until the consumer's log holds every acknowledged record; returns
 * how long that took, or -1 when it did not within `timeoutMs`.
 */
async function waitForConsumer(
  consumer: ClientProcess,
  processedLog: string,
  acked: ReadonlySet<string>,
  timeoutMs: number,
): Promise<number> {
  const began = Date.now()
  while (Date.now() - began < timeoutMs && consumer.running) {
    const processed = new Set(readRecordLog(processedLog).map((r) => r.value))
    let missing = 0
    for (const v of acked) if (!processed.has(v)) missing++
    if (missing === 0) return Date.now() - began
    await sleep(1000)
  }
  return -1
}

export const scenario: Scenario = {
  id: 'network-faults',
  number: 5,
  title: 'latency, resets, a throttle and a 10 s blackhole between the clients and the broker',
  targets: ['embedded', 'kafka'],
  run,
}
