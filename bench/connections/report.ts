import { formatBytes, formatInteger, formatPercent, formatSi, type Table } from '../support/table.js'
import { VALUE_BYTES } from './producers.js'
import type { ConnectionScenarioResult, ConnectionSettings } from './scenario.js'

/** The connection benchmark's table: the baseline and the run with idle connections side by side. */

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

function ms(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(value >= 10 ? 1 : 2)} ms` : 'n/a'
}

function recordsPerSecond(r: ConnectionScenarioResult): number {
  return r.load.acknowledged.reduce((a, b) => a + b, 0) / r.seconds
}

interface Row {
  measure: string
  value: (r: ConnectionScenarioResult) => number
  format: (n: number) => string
  /** Show with / without; absent for rows where a ratio means nothing. */
  ratio?: boolean
}

export function connectionTable(
  baseline: ConnectionScenarioResult,
  withIdle: ConnectionScenarioResult,
  settings: ConnectionSettings,
  rounds: number,
): Table {
  const idleHeader = `with ${formatInteger(settings.idleConnections)} idle`
  const rows: (Row | null)[] = [
    { measure: 'idle connections opened', value: (r) => r.idleOpened, format: formatInteger },
    { measure: '  still open after the load', value: (r) => r.idleOpenAtEnd, format: formatInteger },
    {
      measure: '  answering ApiVersions after the load',
      value: (r) => r.idleAnsweringAtEnd,
      format: formatInteger,
    },
    {
      measure: 'active producers (own connection each)',
      value: () => settings.producers,
      format: formatInteger,
    },
    null,
    { measure: 'records/s', value: recordsPerSecond, format: formatSi, ratio: true },
    {
      measure: 'MB/s (record values)',
      value: (r) => (recordsPerSecond(r) * VALUE_BYTES) / 1e6,
      format: (n) => n.toFixed(1),
      ratio: true,
    },
    { measure: 'producer requests', value: (r) => r.load.requests, format: formatInteger },
    {
      measure: 'producer round trip p50',
      value: (r) => percentile(r.load.latenciesMs, 50),
      format: ms,
      ratio: true,
    },
    {
      measure: 'producer round trip p99',
      value: (r) => percentile(r.load.latenciesMs, 99),
      format: ms,
      ratio: true,
    },
    {
      measure: 'probe produce latency p50',
      value: (r) => percentile(r.probe.latenciesMs, 50),
      format: ms,
      ratio: true,
    },
    {
      measure: 'probe produce latency p99',
      value: (r) => percentile(r.probe.latenciesMs, 99),
      format: ms,
      ratio: true,
    },
    {
      measure: 'probe produce latency max',
      value: (r) => percentile(r.probe.latenciesMs, 100),
      format: ms,
      ratio: true,
    },
    null,
    { measure: 'broker RSS idle (topic created)', value: (r) => r.memory.idle, format: formatBytes },
    {
      measure: 'broker RSS with the idle connections',
      value: (r) => r.memory.withIdle,
      format: formatBytes,
      ratio: true,
    },
    {
      measure: '  per idle connection',
      value: (r) => (r.idleOpened === 0 ? Number.NaN : (r.memory.withIdle - r.memory.idle) / r.idleOpened),
      format: (n) => (Number.isFinite(n) ? formatBytes(Math.round(n)) : ''),
    },
    {
      measure: 'broker RSS peak under load (sampled)',
      value: (r) => r.memory.peakUnderLoad,
      format: formatBytes,
      ratio: true,
    },
    {
      measure: 'broker RSS 1 s after the load',
      value: (r) => r.memory.afterLoad,
      format: formatBytes,
      ratio: true,
    },
    {
      measure: 'broker CPU under load (of one core)',
      value: (r) => r.brokerCpuSeconds / r.seconds,
      format: formatPercent,
      ratio: true,
    },
    {
      measure: 'load generator CPU (of one core)',
      value: (r) => r.loadCpuSeconds / r.seconds,
      format: formatPercent,
    },
  ]
  return {
    title: `${formatInteger(settings.idleConnections)} idle connections beside ${settings.producers} producers, \`sluice broker\` in its own process`,
    columns: [
      { header: 'measure' },
      { header: 'without idle', align: 'right' },
      { header: idleHeader, align: 'right' },
      { header: 'with / without', align: 'right' },
    ],
    rows: rows.map((row) => {
      if (row === null) return null
      const a = row.value(baseline)
      const b = row.value(withIdle)
      return [row.measure, row.format(a), row.format(b), row.ratio && a !== 0 ? `${(b / a).toFixed(2)}x` : '']
    }),
    notes: [
      `Each column is a fresh broker (memory engine, default limits) with a ${settings.partitions}-partition topic. Idle connections each`,
      'sent one ApiVersions and then nothing for the whole run; after the load each is asked again and must answer.',
      `Producers: ${settings.producers} connections, one Produce v9 (acks=1) in flight on each, ${settings.batchRecords} records of ${VALUE_BYTES} B per batch,`,
      `partitions in turn. Probe: one more connection, a one-record produce every 10 ms, timed.`,
      'Records below the end offsets are deleted every 0.5 s (DeleteRecords), standing in for retention: RSS is about',
      "connections and buffers, not the records kept. records/s counts acknowledged records; the topic's end offsets",
      'must add up to them exactly.',
      `${rounds} round(s) of each scenario, ${(settings.durationMs / 1000).toFixed(1)} s of load each, alternating, each on a fresh broker; rates and`,
      'latencies pool all rounds, memory is the highest of any round, idle connections the lowest.',
      "The load generator shares the machine's cores with the broker: a broker below 100% CPU waits on the load or the scheduler.",
    ],
  }
}
