import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OffsetIndex } from '../../../src/broker/log/offset-index.js'

describe('OffsetIndex', () => {
  it('finds the nearest entry at or before an offset, else the start of the file', () => {
    const index = new OffsetIndex()
    index.append(5, 400)
    index.append(9, 800)
    expect([0, 4, 5, 8, 9, 100].map((o) => index.lookup(o))).toEqual([0, 0, 400, 400, 800, 800])
  })

  it('matches a linear search over its entries (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 60 }),
        fc.array(fc.integer({ min: -5, max: 10_100 }), { maxLength: 30 }),
        (offsets, queries) => {
          const sorted = [...offsets].sort((a, b) => a - b)
          const index = new OffsetIndex()
          for (const [i, offset] of sorted.entries()) index.append(offset, (i + 1) * 100)
          for (const q of queries) {
            const at = sorted.findLastIndex((o) => o <= q)
            expect(index.lookup(q)).toBe(at < 0 ? 0 : (at + 1) * 100)
          }
        },
      ),
    )
  })

  it('refuses entries that do not move forward', () => {
    const index = new OffsetIndex()
    index.append(3, 100)
    expect(() => index.append(3, 200)).toThrow()
    expect(() => index.append(4, 100)).toThrow()
  })

  it('round-trips through its file format and refuses files that cannot be its own', () => {
    const index = new OffsetIndex()
    index.append(1, 70)
    index.append(6, 500)
    const file = index.toBuffer()
    expect(file).toHaveLength(16)
    const back = OffsetIndex.fromBuffer(file, 1000)
    expect(back.last()).toEqual({ offset: 6, position: 500 })
    expect(back.lookup(2)).toBe(70)
    expect(() => OffsetIndex.fromBuffer(file.subarray(0, 12), 1000)).toThrow(/whole entries/)
    expect(() => OffsetIndex.fromBuffer(file, 500)).toThrow(/outside/)
    const backwards = Buffer.concat([file.subarray(8), file.subarray(0, 8)])
    expect(() => OffsetIndex.fromBuffer(backwards, 1000)).toThrow(/does not follow/)
  })
})
