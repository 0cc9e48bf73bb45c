/** Plain-text tables for benchmark output, readable in a terminal and pasteable into an issue. */

export interface Column {
  header: string
  /** Numbers read best right-aligned; names left-aligned (the default). */
  align?: 'left' | 'right'
}

export interface Table {
  title: string
  columns: readonly Column[]
  /** One array of cells per row; `null` draws a rule between groups of rows. */
  rows: readonly (readonly string[] | null)[]
  /** Lines printed under the table: method, caveats, what a ratio means. */
  notes?: readonly string[]
}

export function formatTable(table: Table): string {
  const { columns, rows } = table
  for (const row of rows) {
    if (row !== null && row.length !== columns.length) {
      throw new Error(`${table.title}: a row has ${row.length} cells for ${columns.length} columns`)
    }
  }
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...rows.map((row) => (row === null ? 0 : row[i].length))),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (columns[i].align === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  const out = [table.title, '', line(columns.map((c) => c.header)), rule]
  for (const row of rows) out.push(row === null ? rule : line(row))
  if (table.notes && table.notes.length > 0) {
    out.push('')
    for (const note of table.notes) out.push(`  ${note}`)
  }
  return out.join('\n')
}

export function printTable(table: Table): void {
  console.log(`${formatTable(table)}\n`)
}

const SI_PREFIXES = ['', 'k', 'M', 'G', 'T']

/** A rate with three significant digits and an SI prefix: 1.23 M, 456 k, 7.80. */
export function formatSi(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  let scaled = value
  let prefix = 0
  while (Math.abs(scaled) >= 1000 && prefix < SI_PREFIXES.length - 1) {
    scaled /= 1000
    prefix++
  }
  const digits = Math.abs(scaled) >= 100 ? 0 : Math.abs(scaled) >= 10 ? 1 : 2
  return `${scaled.toFixed(digits)}${SI_PREFIXES[prefix] ? ` ${SI_PREFIXES[prefix]}` : ''}`
}

/** A duration in the unit that keeps it between 1 and 1000. */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : ms >= 10 ? 1 : 2)} ms`
  return `${(ms * 1000).toFixed(ms * 1000 >= 100 ? 0 : 1)} µs`
}

export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction >= 0.1 ? 0 : 1)}%`
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(2)} MiB`
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${bytes} B`
}

export function formatInteger(n: number): string {
  return n.toLocaleString('en-US')
}
