import { Kafka } from '../../src/index.js'
import type { BrokerTarget } from '../support/brokers.js'
import { childReport, runProcess, startProcess } from '../support/child-process.js'
import { formatBytes, formatInteger, formatPercent, printTable } from '../support/table.js'
import { PARTITIONS, TopicSupply } from '../support/topics.js'
import type { BuiltChildren } from './build-children.js'
import type { PacedProducerConfig, PacedProducerReport } from './children/latency-protocol.js'
import type { OverloadConfig, OverloadReport } from './children/overload-protocol.js'
import { nodeChild } from './node-child.js'
import { progress, progressDone } from './progress.js'
import { type ConsumerBenchSettings, profileFor } from './settings.js'

/**
 * Part 3: memory under overload. A Sluice consumer whose handler takes
 * 1 ms per record (concurrency 1: about a thousand records a second) reads
 * a topic that a Sluice producer in another process fills far faster for
 * the whole duration. The consumer's buffers must hold it back: RSS may
 * grow by at most maxBufferedBytes (plus 10 %) over what it was before the
 * first record, the lag grows at the broker instead, and at the end every
 * record is either processed and committed or still there as lag:
 * processed + (high watermark - committed) = produced, per partition.
 * The committed offsets are read with the Sluice admin after the consumer
 * closed (which drains and commits).
 */

const HANDLER_MS = 1
const CONCURRENCY = 1
const SLACK = 0.1

let groups = 0

/** Lag as the broker sees it: high watermarks (bare protocol) minus the group's committed offsets. */
interface BrokerLagSample {
  atMs: number
  produced: number
  lag: number
}

interface OverloadOutcome {
  consumer: OverloadReport
  producer: PacedProducerReport
  ends: number[]
  committed: number[]
  brokerLag: BrokerLagSample[]
  problems: string[]
}

/** How often the parent reads the lag at the broker while the producer runs. */
const LAG_SAMPLE_MS = 2000

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)

type Admin = ReturnType<Kafka['admin']>

async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<number[]> {
  const offsets = await admin.fetchOffsets(groupId)
  const out = new Array<number>(PARTITIONS).fill(0)
  for (const o of offsets) if (o.topic === topic && o.offset >= 0n) out[o.partition] = Number(o.offset)
  return out
}

/** Samples the lag at the broker until `stop` is called, which resolves with the samples. */
function sampleBrokerLag(
  topics: TopicSupply,
  admin: Admin,
  groupId: string,
  topic: string,
): { stop(): Promise<BrokerLagSample[]> } {
  const samples: BrokerLagSample[] = []
  const started = performance.now()
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, LAG_SAMPLE_MS))
      if (stopped) break
      const [ends, committed] = await Promise.all([
        topics.stored(topic),
        committedOffsets(admin, groupId, topic),
      ])
      samples.push({
        atMs: performance.now() - started,
        produced: sum(ends),
        lag: sum(ends) - sum(committed),
      })
    }
  })()
  return {
    async stop() {
      stopped = true
      await loop
      return samples
    },
  }
}

function check(outcome: Omit<OverloadOutcome, 'problems'>): string[] {
  const { consumer, producer, ends, committed } = outcome
  const problems: string[] = []
  if (producer.failed > 0) problems.push(`${producer.failed} sends failed (first: ${producer.firstError})`)
  if (sum(ends) !== producer.acknowledged)
    problems.push(
      `the topic holds ${sum(ends)} records, the producer had ${producer.acknowledged} acknowledged`,
    )
  if (consumer.gaps > 0)
    problems.push(`${consumer.gaps} records out of sequence (first: ${consumer.firstGap})`)
  if (consumer.perPartition.join() !== committed.join())
    problems.push(`processed up to ${consumer.perPartition.join(', ')}, committed ${committed.join(', ')}`)
  const accounted = consumer.counted + sum(ends.map((end, p) => end - committed[p]))
  if (accounted !== sum(ends)) problems.push(`processed + lag = ${accounted}, produced ${sum(ends)}`)
  return problems
}

async function runOverload(
  target: BrokerTarget,
  built: BuiltChildren,
  settings: ConsumerBenchSettings,
  topic: string,
): Promise<OverloadOutcome> {
  const groupId = `bench-consumer-overload-${++groups}-${Date.now().toString(36)}`
  const consumerConfig: OverloadConfig = {
    bootstrap: target.bootstrap,
    topic,
    partitions: PARTITIONS,
    groupId,
    handlerMs: HANDLER_MS,
    concurrency: CONCURRENCY,
  }
  const durationMs = settings.overloadSeconds * 1000
  const consumer = startProcess(
    nodeChild(built, 'sluice-overload', consumerConfig, profileFor(settings, `overload-${target.id}`)),
    durationMs + 300_000,
  )
  const topics = new TopicSupply(target.bootstrap, 'bench-consumer-overload-check')
  const admin = new Kafka({
    brokers: target.bootstrap,
    clientId: 'bench-consumer-overload-admin',
    logger: 'warn',
  }).admin()
  try {
    await consumer.line('READY ')
    const lagSampler = sampleBrokerLag(topics, admin, groupId, topic)
    const producerConfig: PacedProducerConfig = {
      role: 'producer',
      bootstrap: target.bootstrap,
      topic,
      rate: settings.overloadRate,
      warmupMs: 0,
      durationMs,
    }
    const produced = childReport<PacedProducerReport>(
      await runProcess(nodeChild(built, 'latency-sluice', producerConfig), durationMs + 300_000),
    )
    const brokerLag = await lagSampler.stop()
    if ('error' in produced) throw new Error(`the producer failed: ${produced.error}`)
    consumer.stdin?.write('stop\n')
    const report = childReport<OverloadReport>(await consumer.finished)
    if ('error' in report) throw new Error(`the consumer failed: ${report.error}`)
    const ends = await topics.stored(topic)
    const committed = await committedOffsets(admin, groupId, topic)
    const outcome = { consumer: report, producer: produced, ends, committed, brokerLag }
    return { ...outcome, problems: check(outcome) }
  } finally {
    consumer.kill('SIGKILL')
    await Promise.all([topics.close(), admin.close()])
  }
}

/** Samples at a quarter, half, three quarters and the end of the run. */
function quarters<T>(samples: readonly T[]): T[] {
  if (samples.length === 0) return []
  return [0.25, 0.5, 0.75, 1].map(
    (q) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)],
  )
}

export async function overloadPart(
  target: BrokerTarget,
  built: BuiltChildren,
  settings: ConsumerBenchSettings,
): Promise<void> {
  const topics = new TopicSupply(target.bootstrap, 'bench-consumer-overload')
  let outcome: OverloadOutcome
  try {
    progress(`${target.id}: overload for ${settings.overloadSeconds} s`)
    const topic = await topics.fresh()
    outcome = await runOverload(target, built, settings, topic)
    await topics.remove(topic)
  } finally {
    progressDone()
    await topics.close()
  }
  const { consumer, producer, problems } = outcome
  const baseline = consumer.baselineRssBytes
  const maxRss = Math.max(...consumer.samples.map((s) => s.rssBytes))
  const budget = consumer.maxBufferedBytesOption
  const bound = (baseline + budget) * (1 + SLACK)
  const maxBuffered = Math.max(...consumer.samples.map((s) => s.bufferedBytes))
  const maxBufferedRecords = Math.max(...consumer.samples.map((s) => s.bufferedRecords))
  const lagQuarters = quarters(outcome.brokerLag)
  const lagGrows =
    lagQuarters.length > 1 && lagQuarters.every((s, i, all) => i === 0 || s.lag > all[i - 1].lag)
  const seconds = settings.overloadSeconds
  printTable({
    title: `Memory under overload ← ${target.label}: ${seconds} s, Sluice producer at ${settings.overloadRate === 0 ? 'full speed' : `${formatInteger(settings.overloadRate)} records/s`}, handler ${HANDLER_MS} ms per record`,
    columns: [{ header: 'what' }, { header: 'value', align: 'right' }, { header: 'verdict' }],
    rows: [
      [
        'produced',
        `${formatInteger(producer.acknowledged)} (${formatInteger(Math.round(producer.acknowledged / producer.seconds))}/s)`,
        '',
      ],
      [
        'processed',
        `${formatInteger(consumer.counted)} (${formatInteger(Math.round(consumer.counted / seconds))}/s)`,
        '',
      ],
      [
        'producer / consumer rate',
        `${(producer.acknowledged / Math.max(1, consumer.counted)).toFixed(0)}x`,
        '',
      ],
      ['consumer RSS before the first record', formatBytes(baseline), ''],
      ['consumer RSS, highest sample', formatBytes(maxRss), ''],
      ['consumer VmHWM (peak, whole life)', formatBytes(consumer.peakRssBytes), ''],
      ['maxBufferedBytes (option)', formatBytes(budget), ''],
      [
        'bound: (baseline + maxBufferedBytes) + 10%',
        formatBytes(bound),
        maxRss <= bound ? 'met (highest sample ≤ bound)' : 'MISSED',
      ],
      [
        'buffered, highest sample',
        `${formatBytes(maxBuffered)}, ${formatInteger(maxBufferedRecords)} records`,
        '',
      ],
      ['partitions paused by full buffers', `${(consumer.pausedMs / 1000).toFixed(1)} s in all`, ''],
      ...quarters(consumer.samples).map((s) => [
        `consumer at ${(s.atMs / 1000).toFixed(0)} s: RSS / buffered / metrics().totalLag`,
        `${formatBytes(s.rssBytes)} / ${formatBytes(s.bufferedBytes)} / ${formatInteger(s.totalLag)}`,
        '',
      ]),
      ...lagQuarters.map((s) => [
        `broker at ${(s.atMs / 1000).toFixed(0)} s: produced / lag`,
        `${formatInteger(s.produced)} / ${formatInteger(s.lag)}`,
        '',
      ]),
      ['lag at the broker grows', lagGrows ? 'yes' : 'no', lagGrows ? 'met' : 'MISSED'],
      [
        'processed + remaining lag = produced',
        `${formatInteger(consumer.counted)} + ${formatInteger(outcome.ends.reduce((n, end, p) => n + end - outcome.committed[p], 0))}`,
        problems.length === 0 ? 'met (per partition, committed = processed)' : 'MISSED',
      ],
    ],
    notes: [
      `Consumer: ${consumer.method}. Producer (own process): ${producer.method}.`,
      'RSS is sampled in the consumer every 250 ms (process.memoryUsage.rss()); "before the first record" is after it',
      'joined the group and sat idle for a second. Remaining lag = high watermark - committed offset after close().',
      `Lag at the broker = high watermarks (ListOffsets, bare protocol) - the group's committed offsets, read every ${LAG_SAMPLE_MS / 1000} s.`,
      "metrics().totalLag is the consumer's own figure: high watermark as of its last fetch - committable offset; a partition",
      '  paused by its full buffer is not fetched, so its high watermark (and this lag) stays where the last fetch left it.',
      `Consumer CPU ${consumer.cpuSeconds.toFixed(1)} s over its life; the bound allows ${formatPercent(SLACK)} over baseline + budget.`,
      ...problems.map((p) => `FAILED: ${p}`),
    ],
  })
}
