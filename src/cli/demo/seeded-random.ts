/**
 * mulberry32: a small, fast PRNG whose whole state is one 32-bit number, so
 * a seed replays a run (the demo's orders, a fault scenario's kill points).
 * Returns uint32s; `seededRandom` turns them into [0, 1).
 */
export function seededUint32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
}

/** Uniform in [0, 1), deterministic for a seed. */
export function seededRandom(seed: number): () => number {
  const next = seededUint32(seed)
  return () => next() / 2 ** 32
}
