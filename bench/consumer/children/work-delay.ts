/**
 * The simulated work of the key-ordered part: each record's delay, 0 to
 * 5 ms, pseudo-random but fixed by its sequence number, so every client
 * and the parent (which computes the ideal from the same delays) agree on
 * it without passing a table around.
 */

export const MAX_WORK_MS = 5

/** Record `seq`'s work in milliseconds, in steps of 1 µs from 0 to MAX_WORK_MS. */
export function workMs(seq: number): number {
  // a 32-bit integer hash (the "lowbias32" mix): neighbouring seqs get unrelated delays
  let h = seq >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x7feb352d)
  h ^= h >>> 15
  h = Math.imul(h, 0x846ca68b)
  h ^= h >>> 16
  return ((h >>> 0) % (MAX_WORK_MS * 1000 + 1)) / 1000
}
