import { formatBytes, formatDuration, formatPercent, formatSi, type Table } from '../support/table.js'
import type { BestPhase, CombinedResult } from './rounds.js'
import type { Engine, LoadName, Phase } from './scenario.js'
import { VALUE_BYTES } from './workload.js'

/** The benchmark's two tables: throughput per engine, load and direction, and the broker's memory. */

const LOAD_LABELS: Record<LoadName, string> = { kcat: 'kcat (librdkafka)', sluice: 'Sluice encoder' }

type Direction = 'ingest' | 'fetch'

function rate(phase: Phase): number {
  return phase.records / phase.seconds
}

function ratio(value: number, baseline: number | undefined): string {
  return baseline === undefined ? '' : `${(value / baseline).toFixed(2)}x`
}

function find(
  results: readonly CombinedResult[],
  engine: Engine,
  load: LoadName,
): CombinedResult | undefined {
  return results.find((r) => r.engine === engine && r.load === load)
}

export function throughputTable(
  results: readonly CombinedResult[],
  engines: readonly Engine[],
  rounds: number,
): Table {
  const memoryEngine = engines[0]
  const rows: (string[] | null)[] = []
  for (const engine of engines) {
    const mine = results.filter((r) => r.engine === engine)
    if (mine.length === 0) continue
    if (rows.length > 0) rows.push(null)
    for (const direction of ['ingest', 'fetch'] as Direction[]) {
      for (const result of mine) {
        const phase: BestPhase = result[direction]
        const perSecond = rate(phase)
        const onMemory = engine === memoryEngine ? undefined : find(results, memoryEngine, result.load)
        const kcat = result.load === 'sluice' ? find(results, engine, 'kcat') : undefined
        rows.push([
          engine.name,
          LOAD_LABELS[result.load],
          direction,
          formatSi(perSecond),
          ((perSecond * VALUE_BYTES) / 1e6).toFixed(1),
          formatDuration(phase.seconds * 1000),
          formatPercent(phase.spread),
          formatPercent(phase.brokerCpuSeconds / phase.seconds),
          phase.loadCpuSeconds === null ? 'n/a' : formatPercent(phase.loadCpuSeconds / phase.seconds),
          ((phase.brokerCpuSeconds * 1e6) / phase.records).toFixed(2),
          onMemory ? ratio(perSecond, rate(onMemory[direction])) : '',
          kcat ? ratio(perSecond, rate(kcat[direction])) : '',
        ])
      }
    }
  }
  return {
    title: 'Broker throughput, 100-byte records, one 3-partition topic, broker in its own process',
    columns: [
      { header: 'engine' },
      { header: 'load' },
      { header: 'direction' },
      { header: 'records/s', align: 'right' },
      { header: 'MB/s', align: 'right' },
      { header: 'time', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'broker CPU', align: 'right' },
      { header: 'load CPU', align: 'right' },
      { header: 'CPU µs/rec', align: 'right' },
      { header: 'vs memory', align: 'right' },
      { header: 'Sluice/kcat', align: 'right' },
    ],
    rows,
    notes: [
      `Fastest of ${rounds} round(s), each on a fresh broker; spread = (fastest - slowest) / fastest rate.`,
      `MB/s counts record values only (${VALUE_BYTES} B each, 10^6 B per MB); batch and record framing add ~10% on the wire.`,
      'broker CPU = CPU time of the broker process / wall time (100% = one core); CPU µs/rec = broker CPU per record;',
      'load CPU = the same for the load generator (kcat, or the benchmark process for the Sluice load).',
      "vs memory = this rate / the memory engine's rate for the same load and direction (above 1: faster).",
      "Sluice/kcat = the Sluice load's rate / kcat's on the same engine and direction (above 1: faster).",
    ],
  }
}

export function memoryTable(
  results: readonly CombinedResult[],
  records: number,
  runtimeFloor: number,
): Table {
  return {
    title: 'Broker process memory (VmRSS from /proc/<pid>/status)',
    columns: [
      { header: 'engine' },
      { header: 'load' },
      { header: 'idle', align: 'right' },
      { header: 'after ingest', align: 'right' },
      { header: 'after fetch', align: 'right' },
      { header: 'peak (VmHWM)', align: 'right' },
      { header: 'ingest growth/rec', align: 'right' },
    ],
    rows: results.map((r) => [
      r.engine.name,
      LOAD_LABELS[r.load],
      formatBytes(r.memory.idle.rss),
      formatBytes(r.memory.afterIngest.rss),
      formatBytes(r.memory.afterFetch.rss),
      formatBytes(r.memory.afterFetch.peak),
      `${((r.memory.afterIngest.rss - r.memory.idle.rss) / records).toFixed(0)} B`,
    ]),
    notes: [
      `Each row is a fresh broker holding ${records.toLocaleString('en-US')} records. idle = after start, before the topic exists.`,
      `Floor: an idle \`node --import tsx\` with nothing loaded has ${formatBytes(runtimeFloor)} resident; the broker runs that way.`,
      "The disk engine's data sits in the page cache, which RSS does not count.",
    ],
  }
}
