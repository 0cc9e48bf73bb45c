import { describe, expect, it } from 'vitest'
import { BufferBudget } from '../../../src/client/producer/buffer-budget.js'
import { ManualClock } from '../../../src/flow/manual-clock.js'

describe('BufferBudget', () => {
  it('never hands out more than its total, and serves waiters in order as bytes come back', async () => {
    const clock = new ManualClock()
    const budget = new BufferBudget(100, clock)
    expect(budget.tryReserve(60)).toBe(true)
    expect(budget.tryReserve(50)).toBe(false)
    const order: string[] = []
    const big = budget.reserve(80, 10_000, () => new Error('timeout')).then(() => order.push('big'))
    const small = budget.reserve(10, 10_000, () => new Error('timeout')).then(() => order.push('small'))
    // a small reservation does not overtake a waiting big one
    expect(budget.tryReserve(10)).toBe(false)
    expect(budget.waiting).toBe(2)
    budget.release(60)
    await Promise.all([big, small])
    expect(order).toEqual(['big', 'small'])
    expect(budget.usedBytes).toBe(90)
    expect(budget.availableBytes).toBe(10)
  })

  it('fails a wait after its timeout and lets the next waiter through', async () => {
    const clock = new ManualClock()
    const budget = new BufferBudget(100, clock)
    budget.tryReserve(100)
    const first = budget.reserve(100, 500, () => new Error('no room in 500 ms'))
    first.catch(() => {})
    clock.advance(100)
    const second = budget.reserve(40, 10_000, () => new Error('x'))
    clock.advance(400)
    await expect(first).rejects.toThrow('no room in 500 ms')
    budget.release(50)
    await second
    expect(budget.usedBytes).toBe(90)
    expect(budget.totalWaitMs).toBe(500 + 400)
    expect(clock.pendingTimers).toBe(0)
  })

  it('refuses to release more than it reserved', () => {
    const budget = new BufferBudget(10)
    budget.tryReserve(5)
    expect(() => budget.release(6)).toThrow(/more than it reserved/)
  })
})
