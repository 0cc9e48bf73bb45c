import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TimeIndex } from '../../../src/broker/log/time-index.js'

describe('TimeIndex', () => {
  it('keeps only new highs, so the last entry is the earliest batch with the greatest timestamp', () => {
    const index = new TimeIndex()
    const added = [100, 50, 300, 300, 200, 400].map((t, i) => index.observe(t, i))
    expect(added).toEqual([true, false, true, false, false, true])
    expect(index.last()).toEqual({ timestamp: 400, offset: 5 })
    expect(index.firstAtOrAfter(250)).toBe(2)
    expect(index.firstAtOrAfter(401)).toBeNull()
  })

  it('finds the first batch whose max timestamp reaches a target, like a linear scan (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1, max: 500 }), { maxLength: 80 }),
        fc.array(fc.integer({ min: -5, max: 505 }), { maxLength: 20 }),
        (timestamps, targets) => {
          const index = new TimeIndex()
          for (const [i, t] of timestamps.entries()) index.observe(t, i)
          for (const target of targets) {
            const i = timestamps.findIndex((t) => t >= target)
            expect(index.firstAtOrAfter(target)).toBe(i < 0 ? null : i)
          }
        },
      ),
    )
  })

  it('round-trips through its file format and refuses files that cannot be its own', () => {
    const index = new TimeIndex()
    index.observe(-1, 0)
    index.observe(1_700_000_000_000, 4)
    const file = index.toBuffer()
    expect(file).toHaveLength(24)
    expect(TimeIndex.fromBuffer(file, 5).last()).toEqual({ timestamp: 1_700_000_000_000, offset: 4 })
    expect(() => TimeIndex.fromBuffer(file, 4)).toThrow(/range/)
    expect(() => TimeIndex.fromBuffer(file.subarray(0, 20), 5)).toThrow(/whole entries/)
    const swapped = Buffer.concat([file.subarray(12), file.subarray(0, 12)])
    expect(() => TimeIndex.fromBuffer(swapped, 5)).toThrow(/order/)
  })
})
