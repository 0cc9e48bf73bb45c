import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OffsetTracker } from '../../../src/client/consumer/offset-tracker.js'

describe('OffsetTracker', () => {
  it('never commits past an unfinished offset, and commits every finished prefix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        // offsets with gaps, as compaction and transaction markers leave them
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 300 }),
        fc.infiniteStream(fc.nat()),
        (start, gaps, picks) => {
          const tracker = new OffsetTracker(start, 4)
          const offsets: number[] = []
          let next = start
          for (const gap of gaps) {
            offsets.push(next)
            next += gap
          }
          const slots = offsets.map((o, i) => tracker.add(o, i === offsets.length - 1 ? next : o + 1))
          const unfinished = new Set(offsets.map((_, i) => i))
          const pick = picks[Symbol.iterator]()
          while (unfinished.size > 0) {
            const list = [...unfinished]
            const i = list[pick.next().value % list.length]
            unfinished.delete(i)
            tracker.finish(slots[i])
            const lowest = Math.min(...[...unfinished].map((u) => offsets[u]))
            const committed = tracker.committable()
            // never at or past an unfinished record...
            if (unfinished.size > 0) expect(committed).toBeLessThanOrEqual(lowest)
            // ...and exactly at the lowest unfinished one: all before it is finished
            if (unfinished.size > 0) expect(committed).toBe(lowest)
          }
          expect(tracker.committable()).toBe(next)
          expect(tracker.pending).toBe(0)
        },
      ),
    )
  })

  it('starts at the read position and moves past skipped offsets', () => {
    const tracker = new OffsetTracker(40)
    expect(tracker.committable()).toBe(40)
    const a = tracker.add(40)
    tracker.skipTo(45)
    expect(tracker.committable()).toBe(40)
    tracker.finish(a)
    tracker.finish(a)
    expect(tracker.committable()).toBe(45)
  })
})
