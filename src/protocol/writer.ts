import { ProtocolError } from './protocol-error.js'

/** Smaller byte fields are copied even in gather mode: a separate socket write costs more than the copy. */
const GATHER_MIN_BYTES = 4096

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * A growable big-endian writer. It doubles its buffer when full, so encoding a
 * message costs amortised O(size); `finish()` returns a view of what was written.
 */
export class Writer {
  buffer: Buffer
  offset = 0
  /**
   * In gather mode: large byte fields are not copied but kept aside, each
   * after the buffer position it follows. `finishParts()` interleaves them.
   */
  private external: { at: number; bytes: Uint8Array }[] | null = null
  private externalBytes = 0

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize)
  }

  /** Keeps byte fields of at least `minBytes` aside instead of copying them (see `writeLarge`). */
  gather(): this {
    this.external = []
    return this
  }

  /** Bytes written so far, fields kept aside included: what a size prefix must say. */
  get length(): number {
    return this.offset + this.externalBytes
  }

  /**
   * Writes bytes that may be large (record batches): copied in normal mode,
   * kept aside by reference in gather mode, so a 1 MiB batch is handed to
   * the socket as it is instead of copied into the request frame.
   */
  writeLarge(bytes: Uint8Array): this {
    if (this.external === null || bytes.length < GATHER_MIN_BYTES) return this.writeRaw(bytes)
    this.external.push({ at: this.offset, bytes })
    this.externalBytes += bytes.length
    return this
  }

  /** The message as a list of buffers, in order (gather mode); one buffer when nothing was kept aside. */
  finishParts(): Buffer[] {
    const external = this.external ?? []
    const parts: Buffer[] = []
    let from = 0
    for (const { at, bytes } of external) {
      if (at > from) parts.push(this.buffer.subarray(from, at))
      parts.push(
        Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      )
      from = at
    }
    if (this.offset > from || parts.length === 0) parts.push(this.buffer.subarray(from, this.offset))
    return parts
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
