import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RingBuffer } from '../../src/flow/ring-buffer.js'

describe('RingBuffer', () => {
  it('behaves like an array used as a queue, through growth and wrap-around (fast-check)', () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant('push' as const), value: fc.integer() }),
      fc.record({ op: fc.constant('unshift' as const), value: fc.integer() }),
      fc.record({ op: fc.constant('shift' as const) }),
      fc.record({ op: fc.constant('shiftInto' as const), max: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ op: fc.constant('remove' as const), value: fc.integer({ min: -3, max: 3 }) }),
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 200 }), (initial, ops) => {
        const ring = new RingBuffer<number>(initial)
        const model: number[] = []
        for (const o of ops) {
          if (o.op === 'push') {
            ring.push(o.value)
            model.push(o.value)
          } else if (o.op === 'unshift') {
            ring.unshift(o.value)
            model.unshift(o.value)
          } else if (o.op === 'shift') {
            expect(ring.shift()).toBe(model.shift())
          } else if (o.op === 'shiftInto') {
            const out: number[] = []
            expect(ring.shiftInto(out, o.max)).toBe(Math.min(o.max, model.length))
            expect(out).toEqual(model.splice(0, o.max))
          } else {
            const index = model.indexOf(o.value)
            expect(ring.remove(o.value)).toBe(index >= 0)
            if (index >= 0) model.splice(index, 1)
          }
          expect(ring.length).toBe(model.length)
          expect(ring.peek()).toBe(model[0])
          for (let i = 0; i < model.length; i++) expect(ring.at(i)).toBe(model[i])
        }
      }),
    )
  })

  it('clear empties it and it keeps working', () => {
    const ring = new RingBuffer<string>(2)
    for (const s of ['a', 'b', 'c', 'd', 'e']) ring.push(s)
    ring.clear()
    expect(ring.length).toBe(0)
    expect(ring.shift()).toBeUndefined()
    ring.push('z')
    expect(ring.shift()).toBe('z')
  })
})
