import { ProtocolError } from '../protocol-error.js'
import type { Reader } from '../reader.js'
import type { Writer } from '../writer.js'

/** A record header as written by a producer. */
export interface RecordHeaderInput {
  key: string
  value: Uint8Array | null
}

/** A record header as decoded: the value is a view into the batch bytes. */
export interface RecordHeader {
  key: string
  value: Buffer | null
}

/** One record to put in a batch. */
export interface RecordInput {
  key?: Uint8Array | null
  value: Uint8Array | null
  headers?: readonly RecordHeaderInput[]
  /** Milliseconds since the epoch; the batch's clock when left out. */
  timestamp?: number
  /** Position in the batch; the record's index when left out. Must increase. */
  offsetDelta?: number
}

/**
 * One decoded record. Offsets and timestamps are plain numbers rather than
 * bigint: they are exact up to 2^53 (no real log gets near that many offsets,
 * nor timestamps near that many milliseconds), the decoder refuses anything
 * beyond rather than round it, and number arithmetic keeps the per-record loop
 * free of bigint allocations. The batch header keeps baseOffset as a bigint.
 *
 * key, value and header values are views into the batch's (decompressed)
 * bytes, not copies: they stay valid as long as those bytes are not reused.
 */
export interface DecodedRecord {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: readonly RecordHeader[]
}

/** What a record's absolute offset and timestamp are computed from. */
export interface RecordContext {
  baseOffset: number
  baseTimestamp: number
  /** With log-append time every record carries the batch's maxTimestamp (as the Java client reports it). */
  logAppendTime: number | null
}

/**
 * Fewest bytes a record can take: a length varint, then attributes, timestamp
 * delta, offset delta, key length, value length and header count of one byte
 * each. Bounds a declared record count against the bytes that can hold it.
 */
export const MIN_RECORD_BYTES = 7
const MIN_RECORD_BODY_BYTES = MIN_RECORD_BYTES - 1
/** A header with an empty key and a null value: two one-byte varints. */
const MIN_HEADER_BYTES = 2

const INT32_MAX = 0x7fffffff
const NO_HEADERS: readonly RecordHeader[] = Object.freeze([])

/** Bytes a zigzag varint of this int32 takes. */
export function varintSize(v: number): number {
  const z = ((v << 1) ^ (v >> 31)) >>> 0
  if (z < 0x80) return 1
  if (z < 0x4000) return 2
  if (z < 0x20_0000) return 3
  if (z < 0x1000_0000) return 4
  return 5
}

/** Bytes a zigzag varlong of this safe integer takes. */
export function varlongSize(v: number): number {
  let z = v >= 0 ? v * 2 : -v * 2 - 1
  let size = 1
  while (z >= 0x80) {
    z = Math.floor(z / 128)
    size++
  }
  return size
}

function checkBytes(v: unknown, what: string): Uint8Array | null {
  if (v === null || v === undefined) return null
  if (!(v instanceof Uint8Array)) throw new ProtocolError(`record ${what} must be a Buffer or null`)
  if (v.length > INT32_MAX) throw new ProtocolError(`record ${what} of ${v.length} bytes is too long`)
  return v
}

function nullableBytesSize(v: Uint8Array | null): number {
  return v === null ? 1 : varintSize(v.length) + v.length
}

/**
 * Size of a record's body (everything after its length varint). Checks the
 * parts that could otherwise be written wrongly: buffers, delta ranges and
 * header keys.
 */
export function recordBodySize(record: RecordInput, timestampDelta: number, offsetDelta: number): number {
  if (!Number.isSafeInteger(timestampDelta))
    throw new ProtocolError(`timestamp delta ${timestampDelta} out of range`)
  let size =
    1 +
    varlongSize(timestampDelta) +
    varintSize(offsetDelta) +
    nullableBytesSize(checkBytes(record.key, 'key')) +
    nullableBytesSize(checkBytes(record.value, 'value'))
  const headers = record.headers ?? NO_HEADERS
  size += varintSize(headers.length)
  for (const header of headers) {
    if (typeof header.key !== 'string') throw new ProtocolError('record header key must be a string')
    const keyBytes = Buffer.byteLength(header.key)
    size += varintSize(keyBytes) + keyBytes + nullableBytesSize(checkBytes(header.value, 'header value'))
  }
  if (size > INT32_MAX) throw new ProtocolError(`record of ${size} bytes is too long`)
  return size
}

function writeNullableBytes(w: Writer, v: Uint8Array | null | undefined): void {
  if (v === null || v === undefined) {
    w.writeVarint(-1)
  } else {
    w.writeVarint(v.length)
    w.writeRaw(v)
  }
}

/** Writes one record; `bodySize` comes from `recordBodySize` with the same arguments. */
export function writeRecord(
  w: Writer,
  record: RecordInput,
  timestampDelta: number,
  offsetDelta: number,
  bodySize: number,
): void {
  w.writeVarint(bodySize)
  const start = w.offset
  w.writeInt8(0) // record attributes: no bits are defined
  w.writeVarlongNumber(timestampDelta)
  w.writeVarint(offsetDelta)
  writeNullableBytes(w, record.key)
  writeNullableBytes(w, record.value)
  const headers = record.headers ?? NO_HEADERS
  w.writeVarint(headers.length)
  for (const header of headers) {
    const keyBytes = Buffer.byteLength(header.key)
    w.writeVarint(keyBytes)
    w.reserve(keyBytes)
    w.offset += w.buffer.write(header.key, w.offset, keyBytes, 'utf8')
    writeNullableBytes(w, header.value)
  }
  if (w.offset - start !== bodySize) {
    throw new ProtocolError(`record body wrote ${w.offset - start} bytes, expected ${bodySize}`)
  }
}

/*
 * The decode loop below runs once per record and dominates consumer CPU time,
 * so the common short varints (up to 4 bytes, values under 2^28) are read
 * inline. Anything longer, or too close to the end of the window for the
 * unchecked reads, goes through Reader, which checks every byte.
 */

function readVarintFast(r: Reader): number {
  const at = r.offset
  if (at + 4 <= r.end) {
    const buf = r.buffer
    let b = buf[at]
    let u = b & 0x7f
    if (b < 0x80) {
      r.offset = at + 1
      return (u >>> 1) ^ -(u & 1)
    }
    b = buf[at + 1]
    u |= (b & 0x7f) << 7
    if (b < 0x80) {
      r.offset = at + 2
      return (u >>> 1) ^ -(u & 1)
    }
    b = buf[at + 2]
    u |= (b & 0x7f) << 14
    if (b < 0x80) {
      r.offset = at + 3
      return (u >>> 1) ^ -(u & 1)
    }
    b = buf[at + 3]
    u |= (b & 0x7f) << 21
    if (b < 0x80) {
      r.offset = at + 4
      return (u >>> 1) ^ -(u & 1)
    }
  }
  return r.readVarint()
}

function readVarlongFast(r: Reader): number {
  const at = r.offset
  // a varlong of up to 4 bytes is the same value as a varint of those bytes
  if (at + 4 <= r.end && r.buffer[at + 3] < 0x80) return readVarintFast(r)
  return r.readVarlongNumber()
}

/** Makes a Buffer over `length` bytes of `buffer` from `byteOffset`, sharing the memory. */
export type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer

/** Stand-in view maker: a function whose result is an object is what `new` returns. */
const ViaBufferFrom = function ViaBufferFrom(buffer: ArrayBufferLike, byteOffset: number, length: number) {
  return Buffer.from(buffer, byteOffset, length)
} as unknown as ViewConstructor

/**
 * What makes the Buffer views of decoded records. Node gives Buffer a species:
 * the constructor its own methods use to make Buffer views. Calling it directly
 * costs half of what `subarray` does (which normalises its arguments and reads
 * the `buffer` and `byteOffset` getters every time), and a decoded record takes
 * three views. `species` is checked by making a view with it; anything that
 * does not make a proper Buffer view gets a stand-in using Buffer.from.
 */
export function viewConstructor(species: unknown): ViewConstructor {
  if (typeof species === 'function') {
    try {
      const probe: unknown = new (species as ViewConstructor)(new ArrayBuffer(2), 1, 1)
      if (Buffer.isBuffer(probe) && probe.byteOffset === 1 && probe.length === 1) {
        return species as ViewConstructor
      }
    } catch {
      // not a constructor of views after all
    }
  }
  return ViaBufferFrom
}

const BufferView = viewConstructor((Buffer as { [Symbol.species]?: unknown })[Symbol.species])

/** Header positions whose last key each batch remembers (records rarely carry more headers). */
const CACHED_HEADER_KEYS = 16

/**
 * The bytes of one batch's records, and what decoding makes from them: views
 * (keys, values, header values) and header key strings.
 *
 * Header keys reuse the previous record's string when the bytes are the same.
 * Producers usually put the same few headers on every record, and decoding a
 * key is a call into C++ that allocates a new string each time: with one header
 * per record that was a large share of the decode time and of the garbage left
 * behind. A key is compared with the last one seen at the same position in the
 * header list, so a fixed set of headers in a fixed order always hits; anything
 * else decodes as before.
 */
class RecordBytes {
  private readonly arrayBuffer: ArrayBufferLike
  private readonly byteOffset: number
  private readonly keyStarts: number[] = []
  private readonly keyLengths: number[] = []
  private readonly keys: string[] = []

  constructor(private readonly buf: Buffer) {
    this.arrayBuffer = buf.buffer
    this.byteOffset = buf.byteOffset
  }

  /** A view of `length` bytes at `start`, which the caller has checked are in the buffer. */
  view(start: number, length: number): Buffer {
    return new BufferView(this.arrayBuffer, this.byteOffset + start, length)
  }

  /** The header key in `[start, start + length)`, the `index`th header of its record. */
  headerKey(start: number, length: number, index: number): string {
    const buf = this.buf
    if (index < this.keys.length && this.keyLengths[index] === length) {
      const previous = this.keyStarts[index]
      let same = true
      for (let i = 0; i < length; i++) {
        if (buf[previous + i] !== buf[start + i]) {
          same = false
          break
        }
      }
      if (same) return this.keys[index]
    }
    const key = buf.toString('utf8', start, start + length)
    if (index < CACHED_HEADER_KEYS) {
      this.keyStarts[index] = start
      this.keyLengths[index] = length
      this.keys[index] = key
    }
    return key
  }
}

function readNullableBytes(r: Reader, bytes: RecordBytes, what: string): Buffer | null {
  const length = readVarintFast(r)
  if (length === -1) return null
  const at = r.offset
  if (length < 0 || length > r.end - at) return r.readRaw(length, what)
  r.offset = at + length
  return bytes.view(at, length)
}

function readHeaders(r: Reader, bytes: RecordBytes): readonly RecordHeader[] {
  const count = readVarintFast(r)
  if (count === 0) return NO_HEADERS
  if (count < 0) throw new ProtocolError(`negative record header count ${count}`)
  r.checkCount(count, MIN_HEADER_BYTES)
  const headers = new Array<RecordHeader>(count)
  for (let i = 0; i < count; i++) {
    const keyLength = readVarintFast(r)
    if (keyLength < 0) throw new ProtocolError(`invalid record header key length ${keyLength}`)
    r.ensure(keyLength, 'record header key')
    const key = bytes.headerKey(r.offset, keyLength, i)
    r.offset += keyLength
    headers[i] = { key, value: readNullableBytes(r, bytes, 'record header value') }
  }
  return headers
}

/**
 * Reads `count` records. Every length is checked against the bytes left before
 * use, and each record must end exactly where its length says (a field running
 * past it is caught there rather than misreading the next record).
 */
export function readRecords(r: Reader, count: number, context: RecordContext): DecodedRecord[] {
  r.checkCount(count, MIN_RECORD_BYTES)
  const { baseOffset, baseTimestamp, logAppendTime } = context
  const records = new Array<DecodedRecord>(count)
  const bytes = new RecordBytes(r.buffer)
  for (let i = 0; i < count; i++) {
    const length = readVarintFast(r)
    if (length < MIN_RECORD_BODY_BYTES) throw new ProtocolError(`record length ${length} is too small`)
    r.ensure(length, 'record')
    const end = r.offset + length
    r.offset++ // record attributes: no bits are defined
    const timestampDelta = readVarlongFast(r)
    const offsetDelta = readVarintFast(r)
    const key = readNullableBytes(r, bytes, 'record key')
    const value = readNullableBytes(r, bytes, 'record value')
    const headers = readHeaders(r, bytes)
    if (r.offset !== end) {
      throw new ProtocolError(
        `record declared ${length} bytes but its fields took ${r.offset - end + length}`,
      )
    }
    const timestamp = logAppendTime ?? baseTimestamp + timestampDelta
    if (timestamp > Number.MAX_SAFE_INTEGER || timestamp < -Number.MAX_SAFE_INTEGER) {
      throw new ProtocolError('record timestamp beyond 2^53')
    }
    records[i] = { offset: baseOffset + offsetDelta, timestamp, key, value, headers }
  }
  return records
}
