import { VALUE_BYTES } from '../broker/workload.js'
import type { BrokerTarget } from '../support/brokers.js'
import type { MemoryPeaks } from '../support/child-runtime.js'
import { median } from '../support/stats.js'
import { formatBytes, formatInteger, formatPercent, formatSi, type Table } from '../support/table.js'
import type { ThroughputClient } from './throughput-clients.js'
import type { ThroughputRun } from './throughput-run.js'

/**
 * The throughput table for one broker and the goals beside it. Each figure
 * is the median over the runs that passed the check, each metric on its
 * own; the rate counts from a client's first record to its last, so
 * connecting and joining a group (which the embedded broker delays by its
 * group.initial.rebalance.delay.ms, 3 s, and Kafka in the test rig does
 * not) are left out and shown in a column of their own.
 */

export const RSS_GOAL_BYTES = 80 * 1024 * 1024
const BASELINE: ThroughputRun['client'] = 'sluice-run'

export interface ThroughputSummary {
  client: ThroughputClient
  runs: readonly ThroughputRun[]
  passed: number
  /** Records per second from the first record to the last; null when no run passed. */
  rate: number | null
  spread: number
  seconds: number
  firstRecordSeconds: number
  peakRssBytes: number
  cpuSeconds: number
  brokerCpuSeconds: number
  method: string
  detail?: string
  /** The median run's sampled heap peaks (Sluice). */
  memory?: MemoryPeaks
  firstError?: string
}

const medianOf = (runs: readonly ThroughputRun[], pick: (r: ThroughputRun) => number) =>
  runs.length > 0 ? median(runs.map(pick)) : 0

export function summarize(
  client: ThroughputClient,
  runs: readonly ThroughputRun[],
  records: number,
): ThroughputSummary {
  const ok = runs.filter((r) => r.ok)
  const rates = ok.map((r) => records / r.readingSeconds)
  const rate = ok.length > 0 ? median(rates) : null
  const medianRun = [...ok].sort((a, b) => a.readingSeconds - b.readingSeconds)[ok.length >> 1]
  return {
    client,
    runs,
    passed: ok.length,
    rate,
    spread: rate ? (Math.max(...rates) - Math.min(...rates)) / rate : 0,
    seconds: medianOf(ok, (r) => r.seconds),
    firstRecordSeconds: medianOf(ok, (r) => r.firstRecordSeconds),
    peakRssBytes: medianOf(ok, (r) => r.peakRssBytes),
    cpuSeconds: medianOf(ok, (r) => r.cpuSeconds),
    brokerCpuSeconds: medianOf(ok, (r) => r.brokerCpuSeconds),
    method: ok[0]?.method ?? '',
    detail: medianRun?.detail,
    memory: medianRun?.memory,
    firstError: runs.find((r) => !r.ok)?.error,
  }
}

/**
 * Sluice run's rate over this one's: the median of the per-round ratios
 * where both passed every round (a round's runs are a minute apart at most,
 * so load from elsewhere that slows a whole round cancels), else the ratio
 * of the medians.
 */
export function ratioToBaseline(s: ThroughputSummary, baseline: ThroughputSummary): number | null {
  if (!baseline.rate || !s.rate) return null
  const paired = s.runs.length === baseline.runs.length && [...s.runs, ...baseline.runs].every((r) => r.ok)
  if (!paired) return baseline.rate / s.rate
  return median(s.runs.map((r, i) => r.readingSeconds / baseline.runs[i].readingSeconds))
}

function baselineOf(summaries: readonly ThroughputSummary[]): ThroughputSummary | undefined {
  return summaries.find((s) => s.client.id === BASELINE && s.rate !== null)
}

export function throughputTable(
  target: BrokerTarget,
  summaries: readonly ThroughputSummary[],
  records: number,
  runs: number,
): Table {
  const baseline = baselineOf(summaries)
  const rows = summaries.map((s) => {
    const runsCell = s.passed === s.runs.length ? `${s.passed}` : `${s.passed}/${s.runs.length}`
    if (s.rate === null) return [s.client.label, 'failed', '', '', '', '', '', '', '', '', runsCell, '']
    const ratio = s === baseline ? 'baseline' : baseline ? ratioToBaseline(s, baseline) : null
    return [
      s.client.label,
      formatSi(s.rate),
      ((s.rate * VALUE_BYTES) / 1e6).toFixed(1),
      formatPercent(s.spread),
      `${s.seconds.toFixed(2)} s`,
      `${s.firstRecordSeconds.toFixed(2)} s`,
      formatBytes(s.peakRssBytes),
      `${s.cpuSeconds.toFixed(2)} s`,
      ((s.cpuSeconds * 1e6) / records).toFixed(2),
      `${s.brokerCpuSeconds.toFixed(2)} s`,
      runsCell,
      typeof ratio === 'number' ? `${ratio.toFixed(2)}x` : (ratio ?? ''),
    ]
  })
  const notes = summaries.flatMap((s) => [
    ...(s.memory
      ? [
          `${s.client.label}: peaks sampled while reading: V8 heap ${formatBytes(s.memory.heapTotal)} (used ${formatBytes(s.memory.heapUsed)}), outside the heap (Buffers) ${formatBytes(s.memory.external)}`,
        ]
      : []),
    ...(s.firstError ? [`FAILED ${s.client.label}: ${s.firstError}`] : []),
  ])
  return {
    title: `Consumers ← ${target.label}: ${formatInteger(records)} records of ${VALUE_BYTES} B from the beginning, 3 partitions, median of ${runs} run(s)`,
    columns: [
      { header: 'client' },
      { header: 'records/s', align: 'right' },
      { header: 'MB/s', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'start→last', align: 'right' },
      { header: 'first record', align: 'right' },
      { header: 'peak RSS', align: 'right' },
      { header: 'CPU', align: 'right' },
      { header: 'CPU µs/rec', align: 'right' },
      { header: 'broker CPU', align: 'right' },
      { header: 'runs ok', align: 'right' },
      { header: 'Sluice run/this', align: 'right' },
    ],
    rows,
    notes: [
      'records/s = records / (last record - first record) in the client; MB/s counts values (10^6 B). start→last = from',
      'creating the client (kcat: spawn) to its last record (kcat: exit); first record = the part of it before the first record',
      '(connect, metadata, group join, first fetch). spread = (fastest - slowest) / median rate.',
      "Sluice run/this = Sluice run's rate / this rate, the median of per-round ratios: above 1 Sluice run is faster.",
      'peak RSS = VmHWM of the client process, start-up included; CPU = user + system of all its threads from creating',
      "the client to the last record (kcat: its whole life); broker CPU = the broker process's over the client's whole run.",
      'runs ok = runs that saw every record once, each partition in offset order up to its high watermark.',
      ...notes,
    ],
  }
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED'
}

/** The goals against this broker's numbers, for Sluice run and runBatch. */
export function throughputGoals(target: BrokerTarget, summaries: readonly ThroughputSummary[]): string[] {
  const lines = [`Goals on ${target.label}:`]
  const find = (id: string) => summaries.find((s) => s.client.id === id && s.rate !== null)
  for (const sluice of summaries.filter((s) => s.client.id.startsWith('sluice'))) {
    if (sluice.rate === null) {
      lines.push(`  ${sluice.client.label}: no run passed`)
      continue
    }
    const versus = (id: string, goal: number) => {
      const other = find(id)
      if (!other?.rate) return `no ${id} figure`
      const ratio = ratioToBaseline(other, sluice)!
      return `${ratio.toFixed(2)}x ${other.client.label} (goal ≥ ${goal.toFixed(1)}x) ${verdict(ratio >= goal)}`
    }
    lines.push(
      `  ${sluice.client.label}: ${versus('kcat', 1)}; ${versus('kafkajs-batch', 3)}; peak RSS ${formatBytes(sluice.peakRssBytes)} (goal ≤ 80 MiB) ${verdict(sluice.peakRssBytes <= RSS_GOAL_BYTES)}`,
    )
  }
  return lines
}
