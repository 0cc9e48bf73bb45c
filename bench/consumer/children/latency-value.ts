/**
 * The value every latency record carries (100 bytes, as elsewhere): the
 * moment it was handed to the producer as milliseconds on the machine's
 * clock at microsecond resolution (performance.timeOrigin + now(), which
 * every process on the machine reads alike), then its sequence number and
 * whether it belongs to the warm-up. The record's own timestamp has only
 * millisecond resolution, too coarse for a p50 of a millisecond or two.
 */

export const VALUE_BYTES = 100

export function nowMs(): number {
  return performance.timeOrigin + performance.now()
}

export function latencyValue(seq: number, measured: boolean): Buffer {
  const value = Buffer.alloc(VALUE_BYTES)
  value.writeDoubleLE(nowMs(), 0)
  value.writeUInt32LE(seq >>> 0, 8)
  value[12] = measured ? 1 : 0
  return value
}

export function sentAtMs(value: Buffer): number {
  return value.readDoubleLE(0)
}

export function isMeasured(value: Buffer): boolean {
  return value[12] === 1
}
