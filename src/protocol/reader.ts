import { ProtocolError } from './protocol-error.js'

const UUID_BYTES = 16

/**
 * A bounds-checked cursor over one Kafka frame.
 *
 * Every read checks what remains before touching the buffer, and every length
 * read from the wire is compared with what remains before anything is allocated
 * for it, so a hostile frame can cost at most its own size in memory.
 * Strings and bytes are returned as views into the frame (no copy).
 */
export class Reader {
  offset: number
  readonly end: number

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    end = buffer.length,
  ) {
    if (offset < 0 || end > buffer.length || offset > end) {
      throw new ProtocolError(`reader window ${offset}..${end} is outside a buffer of ${buffer.length} bytes`)
    }
    this.offset = offset
    this.end = end
  }

  get remaining(): number {
    return this.end - this.offset
  }

  /** Throws unless `n` more bytes are available. */
  ensure(n: number, what: string): void {
    if (n > this.end - this.offset) {
      throw new ProtocolError(`truncated ${what}: needs ${n} bytes, ${this.end - this.offset} remain`)
    }
  }

  readInt8(): number {
    this.ensure(1, 'int8')
    return this.buffer.readInt8(this.offset++)
  }

  readUInt8(): number {
    this.ensure(1, 'uint8')
    return this.buffer[this.offset++]
  }

  readBool(): boolean {
    return this.readInt8() !== 0
  }

  readInt16(): number {
    this.ensure(2, 'int16')
    const v = this.buffer.readInt16BE(this.offset)
    this.offset += 2
    return v
  }

  readUInt16(): number {
    this.ensure(2, 'uint16')
    const v = this.buffer.readUInt16BE(this.offset)
    this.offset += 2
    return v
  }

  readInt32(): number {
    this.ensure(4, 'int32')
    const v = this.buffer.readInt32BE(this.offset)
    this.offset += 4
    return v
  }

  readUInt32(): number {
    this.ensure(4, 'uint32')
    const v = this.buffer.readUInt32BE(this.offset)
    this.offset += 4
    return v
  }

  readInt64(): bigint {
    this.ensure(8, 'int64')
    const v = this.buffer.readBigInt64BE(this.offset)
    this.offset += 8
    return v
  }

  readFloat64(): number {
    this.ensure(8, 'float64')
    const v = this.buffer.readDoubleBE(this.offset)
    this.offset += 8
    return v
  }

  /** Unsigned LEB128 varint of at most 32 bits (5 bytes). */
  readUVarint(): number {
    let result = 0
    let shift = 0
    const buf = this.buffer
    for (let i = 0; i < 5; i++) {
      if (this.offset >= this.end) throw new ProtocolError('truncated varint')
      const byte = buf[this.offset++]
      if (i === 4 && byte > 0x0f) throw new ProtocolError('varint does not fit in 32 bits')
      result += (byte & 0x7f) * 2 ** shift
      if ((byte & 0x80) === 0) return result
      shift += 7
    }
    throw new ProtocolError('varint longer than 5 bytes')
  }

  /** Zigzag-encoded signed 32-bit varint (record fields). */
  readVarint(): number {
    const n = this.readUVarint()
    // zigzag: 0,1,2,3 -> 0,-1,1,-2; works on the unsigned 32-bit value
    return (n >>> 1) ^ -(n & 1)
  }

  /** Zigzag-encoded signed 64-bit varint as a bigint. */
  readVarlong(): bigint {
    let result = 0n
    let shift = 0n
    const buf = this.buffer
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) throw new ProtocolError('truncated varlong')
      const byte = buf[this.offset++]
      if (i === 9 && byte > 0x01) throw new ProtocolError('varlong does not fit in 64 bits')
      result |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return (result >> 1n) ^ -(result & 1n)
      shift += 7n
    }
    throw new ProtocolError('varlong longer than 10 bytes')
  }

  /**
   * Zigzag-encoded signed varlong as a JS number. Faster than readVarlong on the
   * record hot path; values beyond 2^53 (never produced by real clients for
   * timestamp and offset deltas) are rejected rather than silently rounded.
   */
  readVarlongNumber(): number {
    let result = 0
    let mul = 1
    const buf = this.buffer
    for (let i = 0; i < 8; i++) {
      if (this.offset >= this.end) throw new ProtocolError('truncated varlong')
      const byte = buf[this.offset++]
      result += (byte & 0x7f) * mul
      if ((byte & 0x80) === 0) {
        if (result > Number.MAX_SAFE_INTEGER) throw new ProtocolError('varlong too large for a safe integer')
        // zigzag decode without 32-bit bitwise operators
        return result % 2 === 0 ? result / 2 : -(result + 1) / 2
      }
      mul *= 128
    }
    throw new ProtocolError('varlong too large for a safe integer')
  }

  readUuid(): string {
    this.ensure(UUID_BYTES, 'uuid')
    const hex = this.buffer.toString('hex', this.offset, this.offset + UUID_BYTES)
    this.offset += UUID_BYTES
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }

  /** Takes `n` bytes as a view after checking they are there. */
  readRaw(n: number, what = 'bytes'): Buffer {
    if (n < 0) throw new ProtocolError(`negative length ${n} for ${what}`)
    this.ensure(n, what)
    const out = this.buffer.subarray(this.offset, this.offset + n)
    this.offset += n
    return out
  }

  skip(n: number, what = 'field'): void {
    if (!Number.isInteger(n) || n < 0) throw new ProtocolError(`cannot skip ${n} bytes of ${what}`)
    this.ensure(n, what)
    this.offset += n
  }

  private utf8(n: number): string {
    this.ensure(n, 'string')
    const s = this.buffer.toString('utf8', this.offset, this.offset + n)
    this.offset += n
    return s
  }

  /** int16-length string; -1 is null. */
  readNullableString(): string | null {
    const n = this.readInt16()
    if (n === -1) return null
    if (n < 0) throw new ProtocolError(`invalid string length ${n}`)
    return this.utf8(n)
  }

  readString(): string {
    const s = this.readNullableString()
    if (s === null) throw new ProtocolError('null where a string is required')
    return s
  }

  /** uvarint(length + 1) string; 0 is null. */
  readCompactNullableString(): string | null {
    const n = this.readUVarint()
    if (n === 0) return null
    return this.utf8(n - 1)
  }

  readCompactString(): string {
    const s = this.readCompactNullableString()
    if (s === null) throw new ProtocolError('null where a compact string is required')
    return s
  }

  /** int32-length bytes; -1 is null. */
  readNullableBytes(): Buffer | null {
    const n = this.readInt32()
    if (n === -1) return null
    return this.readRaw(n, 'bytes')
  }

  readBytes(): Buffer {
    const b = this.readNullableBytes()
    if (b === null) throw new ProtocolError('null where bytes are required')
    return b
  }

  readCompactNullableBytes(): Buffer | null {
    const n = this.readUVarint()
    if (n === 0) return null
    return this.readRaw(n - 1, 'compact bytes')
  }

  readCompactBytes(): Buffer {
    const b = this.readCompactNullableBytes()
    if (b === null) throw new ProtocolError('null where compact bytes are required')
    return b
  }

  /**
   * Array length for an int32-counted array; -1 is null. Each element takes at
   * least `minElementBytes`, so a count that could not fit in what remains is
   * refused before any array is allocated.
   */
  readArrayLength(minElementBytes = 1): number | null {
    const n = this.readInt32()
    if (n === -1) return null
    return this.checkCount(n, minElementBytes)
  }

  /** Array length for a compact (uvarint length + 1) array; 0 is null. */
  readCompactArrayLength(minElementBytes = 1): number | null {
    const n = this.readUVarint()
    if (n === 0) return null
    return this.checkCount(n - 1, minElementBytes)
  }

  /** Bounds an element count against the bytes left. */
  checkCount(n: number, minElementBytes: number): number {
    if (n < 0) throw new ProtocolError(`negative array length ${n}`)
    if (n * minElementBytes > this.end - this.offset) {
      throw new ProtocolError(
        `array of ${n} elements cannot fit in ${this.end - this.offset} remaining bytes`,
      )
    }
    return n
  }

  /**
   * Reads a tagged-field section (KIP-482), calling `onTag` for each tag with a
   * reader bounded to that field's bytes. Unknown tags are skipped. Tags must be
   * strictly ascending, as Kafka requires.
   */
  readTaggedFields(onTag?: (tag: number, field: Reader) => boolean): void {
    const count = this.readUVarint()
    this.checkCount(count, 2)
    let previous = -1
    for (let i = 0; i < count; i++) {
      const tag = this.readUVarint()
      if (tag <= previous) throw new ProtocolError(`tagged field ${tag} out of order after ${previous}`)
      previous = tag
      const size = this.readUVarint()
      this.ensure(size, `tagged field ${tag}`)
      const fieldEnd = this.offset + size
      if (onTag) {
        const sub = new Reader(this.buffer, this.offset, fieldEnd)
        if (onTag(tag, sub) && sub.remaining !== 0) {
          throw new ProtocolError(`tagged field ${tag} has ${sub.remaining} unread bytes`)
        }
      }
      this.offset = fieldEnd
    }
  }
}
