/** Deterministic for a seed (mulberry32): a run's kill points repeat with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** A whole number of milliseconds between `least` and `most`. */
export function between(random: () => number, least: number, most: number): number {
  return least + Math.floor(random() * (most - least))
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
