/** Reading benchmark settings from the environment, each checked, so a typo fails at once rather than after a long run. */

export function envInteger(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw.replaceAll('_', ''))
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer ${min}-${max}, got ${raw}`)
  }
  return n
}

/** A comma-separated subset of `all`; all of it when unset. */
export function envSubset<T extends string>(name: string, all: readonly T[]): readonly T[] {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return all
  const picked = raw.split(',').map((s) => s.trim())
  const unknown = picked.filter((p) => !all.includes(p as T))
  if (unknown.length > 0) throw new Error(`${name}: unknown ${unknown.join(', ')}; known: ${all.join(', ')}`)
  // keep the canonical order, so tables read the same however the list was written
  return all.filter((id) => picked.includes(id))
}
