import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addToSequence,
  followsInSequence,
  INT32_MAX,
  lastSequenceOf,
  NO_SEQUENCE,
} from '../../../src/broker/producers/sequence.js'

/** The wrapping rule written the slow way: count up one at a time, Int32.MAX going to 0. */
function stepByStep(sequence: number, increment: number): number {
  let s = sequence
  for (let i = 0; i < increment; i++) s = s === INT32_MAX ? 0 : s + 1
  return s
}

describe('sequence arithmetic', () => {
  it('adds without wrapping below Int32.MAX', () => {
    expect(addToSequence(0, 0)).toBe(0)
    expect(addToSequence(10, 5)).toBe(15)
    expect(addToSequence(INT32_MAX - 5, 5)).toBe(INT32_MAX)
  })

  it('wraps past Int32.MAX to 0, never to negative numbers', () => {
    expect(addToSequence(INT32_MAX, 1)).toBe(0)
    expect(addToSequence(INT32_MAX - 2, 5)).toBe(2)
    expect(addToSequence(INT32_MAX, INT32_MAX)).toBe(INT32_MAX - 1)
  })

  it('agrees with counting one by one near the wrap (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: INT32_MAX - 300, max: INT32_MAX }),
        fc.integer({ min: 0, max: 300 }),
        (s, n) => {
          expect(addToSequence(s, n)).toBe(stepByStep(s, n))
        },
      ),
    )
  })

  it('gives a batch its last sequence from the base sequence and last offset delta', () => {
    expect(lastSequenceOf(0, 0)).toBe(0)
    expect(lastSequenceOf(7, 4)).toBe(11)
    expect(lastSequenceOf(INT32_MAX - 1, 3)).toBe(1)
    // a batch without a sequence has no last sequence either
    expect(lastSequenceOf(NO_SEQUENCE, 9)).toBe(NO_SEQUENCE)
  })

  it('says which sequence follows which, with 0 after Int32.MAX', () => {
    expect(followsInSequence(NO_SEQUENCE, 0)).toBe(true)
    expect(followsInSequence(4, 5)).toBe(true)
    expect(followsInSequence(4, 6)).toBe(false)
    expect(followsInSequence(4, 4)).toBe(false)
    expect(followsInSequence(5, 4)).toBe(false)
    expect(followsInSequence(INT32_MAX - 1, INT32_MAX)).toBe(true)
    expect(followsInSequence(INT32_MAX, 0)).toBe(true)
    expect(followsInSequence(INT32_MAX, 1)).toBe(false)
    expect(followsInSequence(INT32_MAX, -2147483648)).toBe(false)
  })
})
