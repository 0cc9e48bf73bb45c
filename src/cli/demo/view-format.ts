/** Small number formats shared by the live view and the summary. */

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

export function formatCount(n: number): string {
  return COUNT.format(Math.round(n))
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`
}

/** `[#####-----]`: `used` of `total` in `width` cells; a value past the total fills the bar and shows `!`. */
export function bar(used: number, total: number, width = 20): string {
  if (total <= 0) return `[${'-'.repeat(width)}]`
  const share = used / total
  const filled = Math.max(0, Math.min(width, Math.round(share * width)))
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${share > 1 ? '!' : ''}`
}
