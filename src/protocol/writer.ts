import { ProtocolError } from './protocol-error.js'

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * A growable big-endian writer. It doubles its buffer when full, so encoding a
 * message costs amortised O(size); `finish()` returns a view of what was written.
 */
export class Writer {
  buffer: Buffer
  offset = 0

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize)
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const needed = this.offset + n
    if (needed <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < needed) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buffer.copy(next, 0, 0, this.offset)
    this.buffer = next
  }

  finish(): Buffer {
    return this.buffer.subarray(0, this.offset)
  }

  writeInt8(v: number): this {
    this.reserve(1)
    this.buffer.writeInt8(v, this.offset)
    this.offset += 1
    return this
  }

  writeUInt8(v: number): this {
    this.reserve(1)
    this.buffer[this.offset++] = v
    return this
  }

  writeBool(v: boolean): this {
    return this.writeInt8(v ? 1 : 0)
  }

  writeInt16(v: number): this {
    this.reserve(2)
    this.buffer.writeInt16BE(v, this.offset)
    this.offset += 2
    return this
  }

  writeUInt16(v: number): this {
    this.reserve(2)
    this.buffer.writeUInt16BE(v, this.offset)
    this.offset += 2
    return this
  }

  writeInt32(v: number): this {
    this.reserve(4)
    this.buffer.writeInt32BE(v, this.offset)
    this.offset += 4
    return this
  }

  writeUInt32(v: number): this {
    this.reserve(4)
    this.buffer.writeUInt32BE(v, this.offset)
    this.offset += 4
    return this
  }

  writeInt64(v: bigint): this {
    this.reserve(8)
    this.buffer.writeBigInt64BE(v, this.offset)
    this.offset += 8
    return this
  }

  writeFloat64(v: number): this {
    this.reserve(8)
    this.buffer.writeDoubleBE(v, this.offset)
    this.offset += 8
    return this
  }

  writeUVarint(v: number): this {
    if (v < 0 || v > 0xffffffff || !Number.isInteger(v)) throw new ProtocolError(`uvarint out of range: ${v}`)
    this.reserve(5)
    const buf = this.buffer
    while (v >= 0x80) {
      buf[this.offset++] = (v & 0x7f) | 0x80
      v = Math.floor(v / 128)
    }
    buf[this.offset++] = v
    return this
  }

  writeVarint(v: number): this {
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)
      throw new ProtocolError(`varint out of int32 range: ${v}`)
    // zigzag: maps small negative and positive values to small unsigned ones
    return this.writeUVarint(((v << 1) ^ (v >> 31)) >>> 0)
  }

  writeVarlong(v: bigint): this {
    let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n))
    this.reserve(10)
    const buf = this.buffer
    while (z >= 0x80n) {
      buf[this.offset++] = Number(z & 0x7fn) | 0x80
      z >>= 7n
    }
    buf[this.offset++] = Number(z)
    return this
  }

  /** Zigzag varlong from a safe integer; the record hot path avoids bigint. */
  writeVarlongNumber(v: number): this {
    if (!Number.isSafeInteger(v)) throw new ProtocolError(`varlong out of safe range: ${v}`)
    // zigzag without precision loss: -v - 1 is exact for every safe negative v
    let z = v >= 0 ? v * 2 : (-v - 1) * 2 + 1
    this.reserve(10)
    const buf = this.buffer
    while (z >= 0x80) {
      buf[this.offset++] = (z % 128) | 0x80
      z = Math.floor(z / 128)
    }
    buf[this.offset++] = z
    return this
  }

  writeUuid(v: string): this {
    if (!UUID_PATTERN.test(v)) throw new ProtocolError(`not a UUID: ${v}`)
    this.reserve(16)
    this.buffer.write(v.replaceAll('-', ''), this.offset, 16, 'hex')
    this.offset += 16
    return this
  }

  writeRaw(bytes: Uint8Array): this {
    this.reserve(bytes.length)
    this.buffer.set(bytes, this.offset)
    this.offset += bytes.length
    return this
  }

  writeNullableString(v: string | null): this {
    if (v === null) return this.writeInt16(-1)
    const n = Buffer.byteLength(v)
    if (n > 0x7fff) throw new ProtocolError(`string of ${n} bytes exceeds the int16 length limit`)
    this.writeInt16(n)
    this.reserve(n)
    this.offset += this.buffer.write(v, this.offset, n, 'utf8')
    return this
  }

  writeCompactNullableString(v: string | null): this {
    if (v === null) return this.writeUVarint(0)
    const n = Buffer.byteLength(v)
    this.writeUVarint(n + 1)
    this.reserve(n)
    this.offset += this.buffer.write(v, this.offset, n, 'utf8')
    return this
  }

  writeNullableBytes(v: Uint8Array | null): this {
    if (v === null) return this.writeInt32(-1)
    this.writeInt32(v.length)
    return this.writeRaw(v)
  }

  writeCompactNullableBytes(v: Uint8Array | null): this {
    if (v === null) return this.writeUVarint(0)
    this.writeUVarint(v.length + 1)
    return this.writeRaw(v)
  }

  /** Writes an int32 placeholder and returns its position, for lengths known only later. */
  placeholderInt32(): number {
    const at = this.offset
    this.writeInt32(0)
    return at
  }

  patchInt32(at: number, v: number): void {
    this.buffer.writeInt32BE(v, at)
  }
}
