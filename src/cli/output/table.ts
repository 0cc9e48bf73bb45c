import Table from 'cli-table3'

/** A cell: anything printable; null and undefined show as `-`. */
export type Cell = string | number | bigint | boolean | null | undefined

function text(cell: Cell): string {
  return cell === null || cell === undefined ? '-' : String(cell)
}

/** A human table (borders only where they help; no colour, so it pipes cleanly). */
export function renderTable(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const table = new Table({
    head: [...head],
    style: { head: [], border: [], compact: true },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
  })
  for (const row of rows) table.push(row.map(text))
  // cli-table3 pads every cell with a space on each side: trim the line ends
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd().replace(/^ /, ''))
    .join('\n')}\n`
}

/** `key: value` lines for a record's scalar fields, aligned. */
export function renderFields(fields: readonly [string, Cell][]): string {
  const width = Math.max(...fields.map(([k]) => k.length))
  return fields.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${text(v)}\n`).join('')
}
