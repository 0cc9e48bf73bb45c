import { describe, expect, it } from 'vitest'
import { DemoControls } from '../../../src/cli/demo/demo-controls.js'
import { actionFor } from '../../../src/cli/demo/demo-keys.js'
import { DemoOptionError, resolveDemoOptions } from '../../../src/cli/demo/demo-options.js'
import { OrderGenerator } from '../../../src/cli/demo/order-generator.js'
import { PacedOrders } from '../../../src/cli/demo/paced-orders.js'

describe('demo inputs', () => {
  it('makes the same orders from the same seed, keyed by customer', () => {
    const a = new OrderGenerator(7, 100)
    const b = new OrderGenerator(7, 100)
    const c = new OrderGenerator(8, 100)
    const fromA = Array.from({ length: 50 }, () => a.next(0))
    const fromB = Array.from({ length: 50 }, () => b.next(0))
    const fromC = Array.from({ length: 50 }, () => c.next(0))
    expect(fromA).toEqual(fromB)
    expect(fromA.map((o) => o.value)).not.toEqual(fromC.map((o) => o.value))
    expect(fromA.map((o) => o.order.seq)).toEqual([...Array(50).keys()])
    for (const { key, value, order } of fromA) {
      expect(key).toMatch(/^customer-00\d\d$/)
      expect(JSON.parse(value)).toEqual(order)
      expect(order.customer).toBe(key)
      expect(order.totalCents).toBe(order.items.reduce((n, i) => n + i.quantity * i.cents, 0))
    }
  })

  it('paces the source at its rate, which can change while it runs', async () => {
    const source = new PacedOrders(new OrderGenerator(1, 10), 2000)
    let read = 0
    const reading = (async () => {
      for await (const _ of source) read++
    })()
    await new Promise((resolve) => setTimeout(resolve, 500))
    const first = read
    // half a second at 2000/s, at most a tenth of a second saved up beyond it
    expect(first).toBeGreaterThan(300)
    expect(first).toBeLessThanOrEqual(1000 + 200)
    source.rate = 200
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(read - first).toBeLessThanOrEqual(100 + 20 + 200)
    source.stop()
    await reading
    expect(source.produced).toBe(read)
  })

  it('maps keys to actions', () => {
    expect(actionFor({ sequence: '+' })).toBe('faster')
    expect(actionFor({ sequence: '-', name: undefined })).toBe('slower')
    expect(actionFor({ name: 'f', sequence: 'f' })).toBe('faster-handler')
    expect(actionFor({ name: 's', sequence: 's' })).toBe('slower-handler')
    expect(actionFor({ name: 'x', sequence: 'x' })).toBe('toggle-failures')
    expect(actionFor({ name: 'o', sequence: 'o' })).toBe('next-overflow')
    expect(actionFor({ name: 'a', sequence: 'a' })).toBe('add-consumer')
    expect(actionFor({ name: 'r', sequence: 'r' })).toBe('remove-consumer')
    expect(actionFor({ name: 'q', sequence: 'q' })).toBe('quit')
    expect(actionFor({ name: 'c', ctrl: true, sequence: '\x03' })).toBe('quit')
    expect(actionFor({ name: 'z', sequence: 'z' })).toBeUndefined()
  })

  it('fails the handler inside the scripted window or while switched on', () => {
    let now = 1000
    const controls = new DemoControls(100, 10, 1000, { from: 6, until: 10 }, () => now)
    expect(controls.failing()).toBe(false)
    now = 1000 + 6000
    expect(controls.failing()).toBe(true)
    now = 1000 + 10_000
    expect(controls.failing()).toBe(false)
    controls.manualFailing = true
    expect(controls.failing()).toBe(true)
    controls.slowerHandler()
    expect(controls.handlerMs).toBe(15)
    controls.faster()
    expect(controls.rate).toBe(150)
  })

  it('names the bad option', () => {
    expect(() => resolveDemoOptions({ rate: -1 })).toThrow(DemoOptionError)
    expect(() => resolveDemoOptions({ rate: -1 })).toThrow(/^rate must be a positive number/)
    expect(() => resolveDemoOptions({ overflow: 'spill' as never })).toThrow(/^overflow must be one of pause/)
    expect(resolveDemoOptions({ rate: 10 }).rate).toBe(10)
  })
})
