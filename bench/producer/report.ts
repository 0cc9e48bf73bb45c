import { VALUE_BYTES } from '../broker/workload.js'
import type { BrokerTarget } from '../support/brokers.js'
import { median } from '../support/stats.js'
import { formatBytes, formatInteger, formatPercent, formatSi, type Table } from '../support/table.js'
import type { MemoryPeaks } from './children/child-protocol.js'
import type { ClientDefinition } from './clients.js'
import type { AckProfile, CaseRun } from './run-case.js'

/**
 * The producer table for one broker and the targets beside it. Every figure
 * is the median over the runs that passed verification, each metric on its
 * own; a case with a failed run says so instead of hiding it. Within an
 * acks group the fastest Sluice row is the baseline the others are
 * compared to.
 */

export interface CaseSummary {
  client: ClientDefinition
  ack: AckProfile
  runs: readonly CaseRun[]
  passed: number
  /** Medians over the passing runs; null when none passed. */
  rate: number | null
  spread: number
  peakRssBytes: number
  cpuSeconds: number
  brokerCpuSeconds: number
  method: string
  /** Medians of the sampled heap peaks, for clients that sample them. */
  memory?: MemoryPeaks
  /** The client's own account of its median run, where it gives one. */
  detail?: string
  firstError?: string
}

export const RSS_TARGET_BYTES = 80 * 1024 * 1024

export function summarize(
  client: ClientDefinition,
  ack: AckProfile,
  runs: readonly CaseRun[],
  records: number,
): CaseSummary {
  const ok = runs.filter((r) => r.ok)
  const failed = runs.find((r) => !r.ok)
  const rates = ok.map((r) => records / r.seconds)
  const rate = ok.length > 0 ? median(rates) : null
  return {
    client,
    ack,
    runs,
    passed: ok.length,
    rate,
    spread: rate ? (Math.max(...rates) - Math.min(...rates)) / rate : 0,
    peakRssBytes: ok.length > 0 ? median(ok.map((r) => r.peakRssBytes)) : 0,
    cpuSeconds: ok.length > 0 ? median(ok.map((r) => r.cpuSeconds)) : 0,
    brokerCpuSeconds: ok.length > 0 ? median(ok.map((r) => r.brokerCpuSeconds)) : 0,
    method: ok[0]?.method ?? '',
    memory: medianMemory(ok),
    detail: [...ok].sort((a, b) => a.seconds - b.seconds)[ok.length >> 1]?.detail,
    firstError: failed?.error,
  }
}

function medianMemory(runs: readonly CaseRun[]): MemoryPeaks | undefined {
  const sampled = runs.flatMap((r) => (r.memory ? [r.memory] : []))
  if (sampled.length === 0) return undefined
  return {
    heapTotal: median(sampled.map((m) => m.heapTotal)),
    heapUsed: median(sampled.map((m) => m.heapUsed)),
    external: median(sampled.map((m) => m.external)),
  }
}

function isSluice(s: CaseSummary): boolean {
  return s.client.id.startsWith('sluice')
}

/** The fastest Sluice way of the group: what "Sluice" means in the ratios and the targets. */
export function sluiceBaseline(group: readonly CaseSummary[]): CaseSummary | undefined {
  return group.filter((s) => isSluice(s) && s.rate !== null).sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0))[0]
}

/**
 * The baseline's rate over this case's. Where both passed every run, the
 * median of the per-round ratios: the runs of one round ran minutes apart at
 * most, so load from elsewhere on the machine that slows a whole round
 * cancels out (on a busy machine single rates spread far more than ratios).
 * Otherwise the ratio of the medians.
 */
export function ratioToSluice(s: CaseSummary, baseline: CaseSummary): number | null {
  if (!baseline.rate || !s.rate) return null
  const paired = s.runs.length === baseline.runs.length && [...s.runs, ...baseline.runs].every((r) => r.ok)
  if (!paired) return baseline.rate / s.rate
  return median(s.runs.map((r, i) => r.seconds / baseline.runs[i].seconds))
}

function ratioCell(s: CaseSummary, baseline: CaseSummary | undefined): string {
  if (s === baseline) return 'baseline'
  const ratio = baseline ? ratioToSluice(s, baseline) : null
  return ratio === null ? '' : `${ratio.toFixed(2)}x`
}

export function producerTable(
  target: BrokerTarget,
  groups: readonly (readonly CaseSummary[])[],
  records: number,
  runs: number,
): Table {
  const rows: (string[] | null)[] = []
  const notes: string[] = []
  for (const group of groups) {
    if (rows.length > 0) rows.push(null)
    const baseline = sluiceBaseline(group)
    for (const s of group) {
      const runsCell = s.passed === s.runs.length ? `${s.passed}` : `${s.passed}/${s.runs.length}`
      if (s.rate === null) {
        rows.push([s.ack.label, s.client.label, 'failed', '', '', '', '', '', '', runsCell, ''])
      } else {
        rows.push([
          s.ack.label,
          s.client.label,
          formatSi(s.rate),
          ((s.rate * VALUE_BYTES) / 1e6).toFixed(1),
          formatPercent(s.spread),
          formatBytes(s.peakRssBytes),
          `${s.cpuSeconds.toFixed(2)} s`,
          ((s.cpuSeconds * 1e6) / records).toFixed(2),
          `${s.brokerCpuSeconds.toFixed(2)} s`,
          runsCell,
          ratioCell(s, baseline),
        ])
      }
      if (s.memory) {
        notes.push(
          `${s.ack.label}, ${s.client.label}: peaks sampled while producing: V8 heap ${formatBytes(s.memory.heapTotal)} (used ${formatBytes(s.memory.heapUsed)}), outside the heap (Buffers) ${formatBytes(s.memory.external)}`,
        )
      }
      if (s.firstError) notes.push(`FAILED ${s.ack.label}, ${s.client.label}: ${s.firstError}`)
    }
  }
  return {
    title: `Producers → ${target.label}: ${formatInteger(records)} records of ${VALUE_BYTES} B, 3 partitions, median of ${runs} run(s)`,
    columns: [
      { header: 'acks' },
      { header: 'client' },
      { header: 'records/s', align: 'right' },
      { header: 'MB/s', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'client peak RSS', align: 'right' },
      { header: 'client CPU', align: 'right' },
      { header: 'CPU µs/rec', align: 'right' },
      { header: 'broker CPU', align: 'right' },
      { header: 'runs ok', align: 'right' },
      { header: 'Sluice/this', align: 'right' },
    ],
    rows,
    notes: [
      'Sluice/this = rate of the fastest Sluice row of the group (the baseline) / rate of this row, above 1 Sluice is faster:',
      'the median of the ratios within each round (runs of a round are minutes apart, so load from elsewhere cancels).',
      `MB/s counts record values (${VALUE_BYTES} B each, 10^6 B per MB). spread = (fastest - slowest) / median rate.`,
      'client peak RSS = VmHWM of the client process (start-up included); client CPU = user + system of every thread of',
      "the client process while it produced (kcat: spawn to exit); broker CPU = the broker process's over the client's whole run.",
      'runs ok = runs whose topic held exactly the records produced and the client acknowledged all of them (others are left out).',
      ...notes,
    ],
  }
}

function check(ok: boolean): string {
  return ok ? 'met' : 'MISSED'
}

/** The goals, stated against this broker's numbers. */
export function targetLines(target: BrokerTarget, groups: readonly (readonly CaseSummary[])[]): string[] {
  const lines = [`Targets on ${target.label}:`]
  for (const group of groups) {
    const sluice = sluiceBaseline(group)
    const label = group[0]?.ack.label ?? ''
    if (!sluice?.rate) {
      lines.push(`  ${label}: no Sluice run passed`)
      continue
    }
    lines.push(`  ${label}: Sluice = its fastest row, ${sluice.client.label}`)
    const versus = (id: string, goal: number, name: string) => {
      const other = group.find((s) => s.client.id === id)
      if (!other?.rate) return `  ${label}: Sluice ≥ ${goal.toFixed(1)}x ${name}: no ${name} figure`
      const ratio = ratioToSluice(other, sluice)!
      return `  ${label}: Sluice ≥ ${goal.toFixed(1)}x ${name}: ${ratio.toFixed(2)}x, ${check(ratio >= goal)}`
    }
    lines.push(versus('kcat', 1, 'kcat'))
    lines.push(versus('platformatic', 5, '@platformatic/kafka'))
    const rss = group
      .filter((s) => isSluice(s) && s.rate !== null)
      .map(
        (s) =>
          `${s.client.label} ${formatBytes(s.peakRssBytes)} ${check(s.peakRssBytes <= RSS_TARGET_BYTES)}`,
      )
      .join(', ')
    lines.push(`  ${label}: Sluice peak RSS ≤ 80 MiB: ${rss}`)
  }
  return lines
}
