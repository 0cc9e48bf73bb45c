/** xxHash32's multipliers, as its specification names them. */
const PRIME32_1 = 0x9e3779b1
const PRIME32_2 = 0x85ebca77
const PRIME32_3 = 0xc2b2ae3d
const PRIME32_4 = 0x27d4eb2f
const PRIME32_5 = 0x165667b1

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r))
}

/**
 * xxHash32 with seed 0 of `bytes[start, end)`, fewer than 16 bytes. An LZ4
 * frame descriptor's checksum byte comes from this hash of the descriptor,
 * which is 2 to 14 bytes long, so only the algorithm's short-input path (no
 * 16-byte stripes) is written. No npm dependency of ours exposes xxHash.
 */
export function xxh32Short(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start
  if (length >= 16) throw new RangeError('xxh32Short takes fewer than 16 bytes')
  let acc = (PRIME32_5 + length) | 0
  let at = start
  for (; at + 4 <= end; at += 4) {
    const lane = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)
    acc = Math.imul(rotl32((acc + Math.imul(lane, PRIME32_3)) | 0, 17), PRIME32_4)
  }
  for (; at < end; at++) {
    acc = Math.imul(rotl32((acc + Math.imul(bytes[at], PRIME32_5)) | 0, 11), PRIME32_1)
  }
  acc = Math.imul(acc ^ (acc >>> 15), PRIME32_2)
  acc = Math.imul(acc ^ (acc >>> 13), PRIME32_3)
  return (acc ^ (acc >>> 16)) >>> 0
}
