import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProtocolError } from '../../../src/protocol/protocol-error.js'
import { Reader } from '../../../src/protocol/reader.js'
import { crashError } from './refusal.js'

/*
 * The Reader's primitives on their own, where each guard can be aimed at
 * precisely: reads past the end of the window, varints that do not stop,
 * lengths that are negative or larger than what is left, tagged-field sections
 * that break Kafka's rules. Each must be a ProtocolError and nothing else.
 */

/** Throws unless `fn` throws a ProtocolError; returns it for further checks. */
function refusal(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ProtocolError) return error
    throw crashError(new Uint8Array(0), error, 'reader')
  }
  throw new Error('expected a ProtocolError, but the read succeeded')
}

/** A reader over `bytes` placed inside a larger buffer of 0x00, so reading past the window finds bytes. */
function windowed(bytes: readonly number[]): Reader {
  const buffer = Buffer.alloc(bytes.length + 32)
  Buffer.from(bytes).copy(buffer, 16)
  return new Reader(buffer, 16, 16 + bytes.length)
}

const FIXED_WIDTH: readonly [string, number, (r: Reader) => unknown][] = [
  ['readInt8', 1, (r) => r.readInt8()],
  ['readUInt8', 1, (r) => r.readUInt8()],
  ['readBool', 1, (r) => r.readBool()],
  ['readInt16', 2, (r) => r.readInt16()],
  ['readUInt16', 2, (r) => r.readUInt16()],
  ['readInt32', 4, (r) => r.readInt32()],
  ['readUInt32', 4, (r) => r.readUInt32()],
  ['readInt64', 8, (r) => r.readInt64()],
  ['readFloat64', 8, (r) => r.readFloat64()],
  ['readUuid', 16, (r) => r.readUuid()],
  ['readRaw(5)', 5, (r) => r.readRaw(5)],
  ['skip(3)', 3, (r) => r.skip(3)],
]

describe('Reader fixed-width reads on truncated input', () => {
  it.each(FIXED_WIDTH)('%s refuses every shorter window, even with bytes beyond it', (_name, width, read) => {
    for (let available = 0; available < width; available++) {
      const plain = new Reader(Buffer.alloc(available, 0xab))
      refusal(() => read(plain))
      const inside = windowed(new Array(available).fill(0xab))
      refusal(() => read(inside))
      // a refused fixed-width read consumes nothing
      expect(inside.offset).toBe(16)
      // a window that starts near the end of its buffer
      const tail = new Reader(Buffer.alloc(width + 8), width + 8 - available)
      refusal(() => read(tail))
    }
    // and the exact width is enough
    const exact = windowed(new Array(width).fill(0))
    read(exact)
    expect(exact.remaining).toBe(0)
  })
})

describe('Reader varints', () => {
  it('readUVarint takes at most 5 bytes and 32 bits', () => {
    expect(new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])).readUVarint()).toBe(2 ** 32 - 1)
    for (const fifth of [0x10, 0x7f, 0x80, 0xff]) {
      expect(
        refusal(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, fifth])).readUVarint()).message,
      ).toMatch(/32 bits/)
    }
    for (let length = 6; length <= 12; length++) {
      for (const fill of [0xff, 0x80]) {
        const r = new Reader(Buffer.alloc(length, fill))
        refusal(() => r.readUVarint())
        // it gives up within its five bytes rather than walking the whole run
        expect(r.offset).toBeLessThanOrEqual(5)
      }
    }
  })

  it('readUVarint and readVarint refuse a varint cut off by the end of the window', () => {
    for (let length = 0; length <= 4; length++) {
      const bytes = new Array(length).fill(0x80)
      refusal(() => windowed(bytes).readUVarint())
      refusal(() => windowed(bytes).readVarint())
    }
  })

  it('readVarint decodes the zigzag extremes and refuses anything longer', () => {
    expect(new Reader(Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f])).readVarint()).toBe(2 ** 31 - 1)
    expect(new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])).readVarint()).toBe(-(2 ** 31))
    for (let length = 6; length <= 12; length++)
      refusal(() => new Reader(Buffer.alloc(length, 0xff)).readVarint())
  })

  it('readVarlong takes at most 10 bytes and 64 bits', () => {
    const max = [...new Array(9).fill(0xff), 0x01]
    expect(new Reader(Buffer.from(max)).readVarlong()).toBe(-(2n ** 63n))
    refusal(() => new Reader(Buffer.from([...new Array(9).fill(0xff), 0x02])).readVarlong())
    for (let length = 10; length <= 16; length++) {
      const r = new Reader(Buffer.alloc(length, 0xff))
      refusal(() => r.readVarlong())
      expect(r.offset).toBeLessThanOrEqual(10)
    }
    for (let length = 0; length <= 9; length++)
      refusal(() => windowed(new Array(length).fill(0x80)).readVarlong())
  })

  it('readVarlongNumber refuses more than 8 bytes and anything beyond 2^53', () => {
    for (let length = 9; length <= 16; length++)
      refusal(() => new Reader(Buffer.alloc(length, 0xff)).readVarlongNumber())
    // 7 continuation bytes then 0x7f: 2^56 - 1, beyond a safe integer
    refusal(() => new Reader(Buffer.from([...new Array(7).fill(0xff), 0x7f])).readVarlongNumber())
    for (let length = 0; length <= 7; length++) {
      refusal(() => windowed(new Array(length).fill(0x80)).readVarlongNumber())
    }
  })
})

/** uvarint encoding of `n` (n < 2^35). */
function uvarint(n: number): number[] {
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return out
}

describe('Reader lengths', () => {
  it('compact strings, bytes and arrays refuse a length larger than what remains', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 2 ** 32 - 2 }),
        (remaining, excess) => {
          const claimed = Math.min(remaining + excess, 2 ** 32 - 2)
          const input = [...uvarint(claimed + 1), ...new Array(remaining).fill(0x61)]
          refusal(() => windowed(input).readCompactString())
          refusal(() => windowed(input).readCompactNullableString())
          refusal(() => windowed(input).readCompactBytes())
          refusal(() => windowed(input).readCompactNullableBytes())
          refusal(() => windowed(input).readCompactArrayLength(1))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('classic strings, bytes and arrays refuse negative lengths other than -1', () => {
    for (const n of [-2, -3, -100, -32768]) {
      const int16 = Buffer.alloc(2 + 64)
      int16.writeInt16BE(n)
      refusal(() => new Reader(int16).readNullableString())
      refusal(() => new Reader(int16).readString())
    }
    for (const n of [-2, -3, -100, -32768, -(2 ** 31)]) {
      const int32 = Buffer.alloc(4 + 64)
      int32.writeInt32BE(n)
      refusal(() => new Reader(int32).readNullableBytes())
      refusal(() => new Reader(int32).readBytes())
      refusal(() => new Reader(int32).readArrayLength())
    }
    // -1 is null where null is allowed, and refused where it is not
    expect(new Reader(Buffer.from([0xff, 0xff])).readNullableString()).toBeNull()
    refusal(() => new Reader(Buffer.from([0xff, 0xff])).readString())
    expect(new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff])).readNullableBytes()).toBeNull()
    refusal(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff])).readBytes())
    expect(new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff])).readArrayLength()).toBeNull()
    refusal(() => new Reader(Buffer.from([0])).readCompactString())
    refusal(() => new Reader(Buffer.from([0])).readCompactBytes())
    refusal(() => new Reader(Buffer.from([])).readRaw(-1))
  })

  it('classic lengths larger than what remains are refused before anything is read', () => {
    const cases: [number[], (r: Reader) => unknown][] = [
      [[0x7f, 0xff, ...new Array(10).fill(0x61)], (r) => r.readString()],
      [[0x00, 0x0b, ...new Array(10).fill(0x61)], (r) => r.readString()],
      [[0x7f, 0xff, 0xff, 0xff, ...new Array(10).fill(0)], (r) => r.readBytes()],
      [[0x00, 0x00, 0x00, 0x0b, ...new Array(10).fill(0)], (r) => r.readBytes()],
      [[0x7f, 0xff, 0xff, 0xff, ...new Array(10).fill(0)], (r) => r.readArrayLength(1)],
      // 3 elements of at least 4 bytes cannot fit in 10
      [[0x00, 0x00, 0x00, 0x03, ...new Array(10).fill(0)], (r) => r.readArrayLength(4)],
    ]
    for (const [bytes, read] of cases) refusal(() => read(windowed(bytes)))
  })

  it('array counts are bounded by the smallest element size', () => {
    const r = new Reader(Buffer.alloc(12))
    expect(r.checkCount(3, 4)).toBe(3)
    refusal(() => r.checkCount(4, 4))
    refusal(() => r.checkCount(-1, 1))
    refusal(() => r.checkCount(2 ** 31 - 1, 1))
  })

  it('the window itself must lie inside the buffer', () => {
    const buffer = Buffer.alloc(8)
    refusal(() => new Reader(buffer, -1))
    refusal(() => new Reader(buffer, 0, 9))
    refusal(() => new Reader(buffer, 5, 4))
    refusal(() => new Reader(buffer, 9))
  })

  // skip(-n) once moved the offset backwards and the next read crashed with a RangeError
  it('skip refuses a negative count instead of moving backwards', () => {
    const r = new Reader(Buffer.alloc(10), 2)
    refusal(() => {
      r.skip(-5)
      return r.readInt8()
    })
  })
})

/** A tagged-field handler that reads with `read` and claims the tag as known. */
function known(read: (field: Reader) => unknown): (tag: number, field: Reader) => boolean {
  return (_tag, field) => {
    read(field)
    return true
  }
}

describe('Reader tagged fields', () => {
  const read = (bytes: number[]) =>
    windowed(bytes).readTaggedFields(known((field) => field.skip(field.remaining)))

  it('reads well-formed sections and skips unknown tags', () => {
    const seen: number[] = []
    windowed([2, 1, 1, 0xaa, 5, 0]).readTaggedFields((tag) => {
      seen.push(tag)
      return false
    })
    expect(seen).toEqual([1, 5])
    read([0])
  })

  it('refuses tags out of order or repeated', () => {
    refusal(() => read([2, 3, 0, 2, 0]))
    refusal(() => read([2, 4, 0, 4, 0]))
    refusal(() => read([3, 0, 0, 9, 0, 1, 0]))
  })

  it('refuses a field size larger than what remains, and a count that cannot fit', () => {
    refusal(() => read([1, 0, 5, 1, 2, 3]))
    refusal(() => read([1, 0, ...uvarint(2 ** 32 - 1)]))
    refusal(() => read([...uvarint(2 ** 31), 0, 0]))
    refusal(() => read([5, 0, 0, 1, 0]))
  })

  it('refuses endless tag, size and count varints', () => {
    refusal(() => read([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))
    refusal(() => read([1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))
    refusal(() => read([1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))
  })

  it('bounds each field to its declared size, even with bytes after it', () => {
    // field 0 declares 2 bytes; reading an int32 from it must not see the next field
    const r = windowed([2, 0, 2, 0, 0, 1, 2, 0, 0])
    refusal(() => r.readTaggedFields(known((field) => field.readInt32())))
    // and a known field with bytes left unread is refused
    refusal(() => windowed([1, 0, 2, 0, 0]).readTaggedFields(known((field) => field.readInt8())))
  })
})

type Op = (r: Reader) => unknown
const OPS: readonly Op[] = [
  (r) => r.readInt8(),
  (r) => r.readInt16(),
  (r) => r.readUInt16(),
  (r) => r.readInt32(),
  (r) => r.readInt64(),
  (r) => r.readFloat64(),
  (r) => r.readUVarint(),
  (r) => r.readVarint(),
  (r) => r.readVarlong(),
  (r) => r.readVarlongNumber(),
  (r) => r.readUuid(),
  (r) => r.readNullableString(),
  (r) => r.readCompactNullableString(),
  (r) => r.readNullableBytes(),
  (r) => r.readCompactNullableBytes(),
  (r) => r.readArrayLength(3),
  (r) => r.readCompactArrayLength(2),
  (r) => r.readTaggedFields(known((field) => field.readCompactNullableString())),
]

describe('Reader on random bytes', () => {
  it('any sequence of reads throws only ProtocolError and never leaves its window', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 120 }),
        fc.nat(),
        fc.nat(),
        fc.array(fc.nat({ max: OPS.length - 1 }), { minLength: 1, maxLength: 30 }),
        (bytes, a, b, program) => {
          const buffer = Buffer.from(bytes)
          const start = a % (buffer.length + 1)
          const end = start + (b % (buffer.length - start + 1))
          const r = new Reader(buffer, start, end)
          for (const op of program) {
            let value: unknown
            try {
              value = OPS[op](r)
            } catch (error) {
              if (!(error instanceof ProtocolError)) throw crashError(bytes, error, `reader op ${op}`)
              // after a refusal the frame is abandoned; nothing more is read from it
              break
            } finally {
              expect(r.offset).toBeGreaterThanOrEqual(start)
              expect(r.offset).toBeLessThanOrEqual(end)
            }
            // views handed out lie inside the window
            if (Buffer.isBuffer(value)) {
              const at = value.byteOffset - buffer.byteOffset
              expect(at).toBeGreaterThanOrEqual(start)
              expect(at + value.length).toBeLessThanOrEqual(end)
            }
          }
        },
      ),
      { numRuns: 1000 },
    )
  })
})
