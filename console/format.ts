/** How the page writes numbers: grouped digits, binary units for bytes. */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

export function count(value: number): string {
  return grouped.format(value)
}

export function perSecond(value: number): string {
  return `${grouped.format(value)}/s`
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function bytes(value: number): string {
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${UNITS[unit]}`
}

/** A share of a whole as a whole percent; 0 when the whole is 0 (no budget set). */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.min(100, Math.round((part / whole) * 100)) : 0
}

export function clock(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false })
}
