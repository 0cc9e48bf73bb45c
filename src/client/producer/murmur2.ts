/**
 * The Java client's default partitioning of keyed records: 32-bit murmur2 of
 * the key bytes (seed 0x9747b28c), made non-negative by clearing the sign
 * bit, modulo the partition count. librdkafka's `murmur2_random` partitioner
 * and kafka-python's default partitioner compute the same thing. Written here
 * because it must match the Java client bit for bit and runs once per keyed
 * record; the npm murmur packages implement murmur3 or other seeds.
 */

const SEED = 0x9747b28c
const M = 0x5bd1e995

export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = (SEED ^ length) | 0
  const whole = length & ~3
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  // the one to three bytes left over are mixed in together, last byte highest
  const rest = length & 3
  if (rest === 3) h ^= data[whole + 2] << 16
  if (rest >= 2) h ^= data[whole + 1] << 8
  if (rest >= 1) {
    h ^= data[whole]
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** The partition the Java client (and its compatible partitioners) picks for a non-null key. */
export function keyPartition(key: Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions
}
