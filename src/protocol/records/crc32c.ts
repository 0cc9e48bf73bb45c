import { crc32c as nativeCrc32c } from '@node-rs/crc32'

/**
 * CRC32C (Castagnoli), the checksum record batches of magic 2 carry.
 *
 * The native implementation uses the CPU's CRC instructions where available,
 * which matters because the broker checks every produced batch. The result is
 * an unsigned 32-bit integer, the same form `readUInt32BE` gives for the stored
 * field, so the two compare directly. `previous` continues a checksum over
 * data that arrives in pieces.
 */
export function crc32c(data: Uint8Array, previous = 0): number {
  return nativeCrc32c(data, previous) >>> 0
}
