import {
  type Calibration,
  type Measurement,
  type MeasureOptions,
  summarize,
  timeRound,
  warmUp,
} from './measure.js'
import { formatPercent } from './table.js'

/**
 * One row of a comparison. Cases sharing a `group` are measured against the
 * group's first case, its baseline; absolute rates drift with machine load,
 * but the ratio between neighbours measured moments apart holds much better.
 */
export interface BenchCase {
  group: string
  name: string
  fn: () => unknown
  /** Extra cells a table shows for this row (a protocol version, say), by column. */
  labels?: Readonly<Record<string, string>>
  /** Runs before the case is measured, e.g. to swap a codec in. */
  setup?: () => void
  /** Undoes `setup`; runs even when measuring fails. */
  teardown?: () => void
}

export interface CaseResult {
  bench: BenchCase
  measurement: Measurement
  /** Baseline rate divided by this case's rate; null for the baseline itself. */
  ratio: number | null
}

function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K  measuring ${text}`)
}

function progressDone(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K')
}

function withSetup<T>(bench: BenchCase, fn: () => Promise<T>): Promise<T> {
  bench.setup?.()
  return fn().finally(() => bench.teardown?.())
}

/**
 * Measures every case and relates each to its group's baseline. Within a
 * group the timed rounds are interleaved (A B C, A B C, ...) rather than run
 * case after case, so a burst of load from elsewhere on the machine lands on
 * every case of the group alike instead of on whichever ran at that moment.
 */
export async function runComparison(
  cases: readonly BenchCase[],
  options: MeasureOptions,
): Promise<CaseResult[]> {
  const groups = new Map<string, BenchCase[]>()
  for (const bench of cases) {
    const group = groups.get(bench.group)
    if (group) group.push(bench)
    else groups.set(bench.group, [bench])
  }
  const measured = new Map<BenchCase, Measurement>()
  try {
    for (const [name, members] of groups) {
      const calibrations: Calibration[] = []
      for (const bench of members) {
        progress(`${name}: warming up ${bench.name}`)
        calibrations.push(await withSetup(bench, () => warmUp(bench.fn, options)))
      }
      const rates: number[][] = members.map(() => [])
      for (let round = 0; round < options.rounds; round++) {
        progress(`${name}: round ${round + 1} of ${options.rounds}`)
        for (let i = 0; i < members.length; i++) {
          const bench = members[i]
          rates[i].push(await withSetup(bench, () => timeRound(bench.fn, calibrations[i])))
        }
      }
      members.forEach((bench, i) => {
        measured.set(bench, summarize(rates[i], calibrations[i].iterations))
      })
    }
  } finally {
    progressDone()
  }
  return cases.map((bench) => {
    const baseline = groups.get(bench.group)![0]
    const measurement = measured.get(bench)!
    return {
      bench,
      measurement,
      ratio: baseline === bench ? null : measured.get(baseline)!.opsPerSecond / measurement.opsPerSecond,
    }
  })
}

/** The ratio cell: "baseline" for the reference row, else how many times faster the baseline is. */
export function ratioCell(result: CaseResult): string {
  return result.ratio === null ? 'baseline' : `${result.ratio.toFixed(2)}x`
}

export function spreadCell(result: CaseResult): string {
  return formatPercent(result.measurement.spread)
}

/** Rows for a table, with a rule wherever the group changes. */
export function groupedRows(
  results: readonly CaseResult[],
  cells: (result: CaseResult) => string[],
): (string[] | null)[] {
  const rows: (string[] | null)[] = []
  let group: string | undefined
  for (const result of results) {
    if (group !== undefined && result.bench.group !== group) rows.push(null)
    group = result.bench.group
    rows.push(cells(result))
  }
  return rows
}

export const RATIO_NOTE =
  "ratio = rate of the group's first row (the Sluice baseline) / rate of this row: above 1 the baseline is faster."
