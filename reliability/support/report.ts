import { type Column, formatTable } from '../../bench/support/table.js'
import type { ScenarioResult } from './scenario.js'

/**
 * The reliability table: one row per scenario, target and variant, as the
 * terminal shows it and as README's "Guarantees" section quotes it
 * (markdown). A row passes when every one of its checks held.
 */

const MiB = 1024 * 1024
const COLUMNS: readonly Column[] = [
  { header: '#', align: 'right' },
  { header: 'scenario' },
  { header: 'target' },
  { header: 'sent', align: 'right' },
  { header: 'acked', align: 'right' },
  { header: 'consumed', align: 'right' },
  { header: 'lost', align: 'right' },
  { header: 'duplicated', align: 'right' },
  { header: 'peak RSS (bound) MiB' },
  { header: 'time', align: 'right' },
  { header: 'result' },
]

export interface NumberedResult extends ScenarioResult {
  readonly number: number
}

const count = (n: number) => (n < 0 ? '-' : n.toLocaleString('en-US'))

function memory(r: ScenarioResult): string {
  return r.memory
    .map((m) => {
      const peak = (m.peakBytes / MiB).toFixed(0)
      return m.boundBytes === undefined
        ? `${m.name} ${peak}`
        : `${m.name} ${peak} (${(m.boundBytes / MiB).toFixed(0)})`
    })
    .join(', ')
}

export const passed = (r: ScenarioResult) => r.checks.length > 0 && r.checks.every((c) => c.ok)

function cells(r: NumberedResult): string[] {
  return [
    String(r.number),
    r.variant ? `${r.scenario} (${r.variant})` : r.scenario,
    r.target,
    count(r.sent),
    count(r.acked),
    count(r.consumed),
    count(r.lost),
    count(r.duplicated),
    memory(r),
    `${r.seconds.toFixed(0)} s`,
    passed(r) ? 'pass' : 'FAIL',
  ]
}

function details(results: readonly NumberedResult[]): string[] {
  const lines: string[] = []
  for (const r of results) {
    const name = `${r.number} ${r.scenario}${r.variant ? ` (${r.variant})` : ''} on ${r.target}`
    for (const c of r.checks) {
      if (!c.ok) lines.push(`FAILED ${name}: ${c.what}${c.detail ? ` - ${c.detail}` : ''}`)
    }
    for (const note of r.notes) lines.push(`${name}: ${note}`)
  }
  return lines
}

export function formatReport(results: readonly NumberedResult[], title: string): string {
  return formatTable({ title, columns: COLUMNS, rows: results.map(cells), notes: details(results) })
}

/** The same table in markdown, for README. */
export function formatMarkdown(results: readonly NumberedResult[]): string {
  const header = `| ${COLUMNS.map((c) => c.header).join(' | ')} |`
  const rule = `| ${COLUMNS.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`
  const rows = results.map((r) => `| ${cells(r).join(' | ')} |`)
  return [header, rule, ...rows].join('\n')
}

/** What each check established, for the record of a full run. */
export function formatChecks(results: readonly NumberedResult[]): string {
  return results
    .map((r) => {
      const name = `${r.number} ${r.scenario}${r.variant ? ` (${r.variant})` : ''} on ${r.target}`
      const checks = r.checks.map(
        (c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}${c.detail ? `: ${c.detail}` : ''}`,
      )
      return [name, ...checks].join('\n')
    })
    .join('\n')
}
