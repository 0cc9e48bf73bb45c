import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/flow/manual-clock.js'
import { Watermarks } from '../../src/flow/watermarks.js'

describe('Watermarks', () => {
  it('pauses at high, resumes at low, and does not flap in between', () => {
    const changes: [boolean, number][] = []
    const marks = new Watermarks({
      high: 10,
      low: 4,
      onChange: (paused, level) => changes.push([paused, level]),
    })
    for (const level of [1, 5, 9, 10, 11, 7, 5, 9, 10, 4, 6, 9, 12, 3]) marks.update(level)
    expect(changes).toEqual([
      [true, 10],
      [false, 4],
      [true, 12],
      [false, 3],
    ])
    expect(marks.paused).toBe(false)
  })

  it('moves by deltas and adds up the time spent paused', () => {
    const clock = new ManualClock()
    const marks = new Watermarks({ high: 3, low: 1, clock })
    expect(marks.add(3)).toBe(true)
    clock.advance(40)
    expect(marks.stats()).toEqual({ paused: true, level: 3, pauses: 1, pausedMs: 40 })
    expect(marks.add(-1)).toBe(true)
    clock.advance(10)
    expect(marks.add(-1)).toBe(false)
    clock.advance(100)
    expect(marks.stats()).toEqual({ paused: false, level: 1, pauses: 1, pausedMs: 50 })
  })

  it('refuses marks without a band', () => {
    expect(() => new Watermarks({ high: 5, low: 5 })).toThrow(/low < high/)
    expect(() => new Watermarks({ high: 5, low: -1 })).toThrow(RangeError)
  })
})
