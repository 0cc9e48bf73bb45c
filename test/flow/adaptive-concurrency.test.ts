import { describe, expect, it } from 'vitest'
import { AdaptiveConcurrency } from '../../src/flow/adaptive-concurrency.js'
import { AimdLimit } from '../../src/flow/aimd-limit.js'
import type { Outcome, Permit } from '../../src/flow/concurrency-limiter.js'
import { GradientLimit } from '../../src/flow/gradient-limit.js'
import { ManualClock } from '../../src/flow/manual-clock.js'

/**
 * One round of load that fills the current limit: take every permit there
 * is, let `latencyMs` pass on the fake clock, release them all. Returns the
 * limit after the round.
 */
function round(
  limiter: AdaptiveConcurrency,
  clock: ManualClock,
  latencyMs: number,
  outcome: Outcome = 'success',
) {
  const permits: Permit[] = []
  for (let p = limiter.tryAcquire(); p !== undefined; p = limiter.tryAcquire()) permits.push(p)
  clock.advance(latencyMs)
  for (const permit of permits) permit.release(outcome)
  return limiter.limit
}

function rounds(
  limiter: AdaptiveConcurrency,
  clock: ManualClock,
  n: number,
  latencyMs: number,
  outcome?: Outcome,
) {
  const limits: number[] = []
  for (let i = 0; i < n; i++) limits.push(round(limiter, clock, latencyMs, outcome))
  return limits
}

function nonDecreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1])
}

describe('AdaptiveConcurrency with the gradient algorithm (fake clock)', () => {
  it('raises the limit while latency stays flat', () => {
    const clock = new ManualClock()
    const limiter = new AdaptiveConcurrency({ initial: 10, max: 200, clock })
    const limits = rounds(limiter, clock, 20, 10)
    expect(nonDecreasing(limits)).toBe(true)
    expect(limits.at(-1)!).toBeGreaterThan(30)
    expect(limiter.stats()).toMatchObject({ algorithm: 'gradient', cuts: 0 })
  })

  it('cuts the limit when latency rises, in proportion to the rise', () => {
    const clock = new ManualClock()
    const limiter = new AdaptiveConcurrency({ initial: 20, max: 200, clock })
    rounds(limiter, clock, 10, 10)
    const peak = limiter.limit
    const doubled = rounds(limiter, clock, 3, 20)
    expect(doubled.at(-1)!).toBeLessThan(peak)
    const clock2 = new ManualClock()
    const other = new AdaptiveConcurrency({ initial: 20, max: 200, clock: clock2 })
    rounds(other, clock2, 10, 10)
    const quadrupled = rounds(other, clock2, 3, 40)
    // a bigger rise cuts deeper
    expect(quadrupled.at(-1)!).toBeLessThan(doubled.at(-1)!)
    expect(limiter.stats().cuts).toBeGreaterThan(0)
  })

  it('cuts the limit when calls fail, and never goes below min', () => {
    const clock = new ManualClock()
    const limiter = new AdaptiveConcurrency({ initial: 40, min: 3, clock })
    const limits = rounds(limiter, clock, 40, 10, 'failure')
    // one cut of 10% per window of calls (a window is one round here)
    expect(limits.slice(0, 3)).toEqual([36, 32, 29])
    expect(nonDecreasing(limits.map((limit) => -limit))).toBe(true)
    expect(limits.at(-1)).toBe(3)
  })

  it('does not grow while the limit is not being used', () => {
    const clock = new ManualClock()
    const limiter = new AdaptiveConcurrency({ initial: 20, clock })
    for (let i = 0; i < 100; i++) {
      const permit = limiter.tryAcquire()!
      clock.advance(5)
      permit.release()
    }
    expect(limiter.limit).toBe(20)
  })

  it('ignores calls released as ignore, and run maps non-failures to ignore', async () => {
    const clock = new ManualClock()
    const changes: [number, number][] = []
    const limiter = new AdaptiveConcurrency({
      initial: 10,
      clock,
      algorithm: new AimdLimit(),
      isFailure: (error) => (error as Error).message !== 'not found',
      onLimitChange: (limit, previous) => changes.push([limit, previous]),
    })
    rounds(limiter, clock, 5, 10, 'ignore')
    expect(limiter.limit).toBe(10)
    await expect(limiter.run(() => Promise.reject(new Error('not found')))).rejects.toThrow()
    expect(limiter.limit).toBe(10)
    await expect(limiter.run(() => Promise.reject(new Error('overloaded')))).rejects.toThrow()
    expect(limiter.limit).toBe(9)
    expect(changes).toEqual([[9, 10]])
  })

  it('a raised limit lets waiters in at once', async () => {
    const clock = new ManualClock()
    const limiter = new AdaptiveConcurrency({
      initial: 2,
      max: 10,
      clock,
      algorithm: new AimdLimit({ increase: 2 }),
    })
    const a = limiter.tryAcquire()!
    const b = limiter.tryAcquire()!
    const waiting = limiter.acquire()
    clock.advance(1)
    a.release()
    // +2/2 = 1 → limit 3: the waiter gets a's slot, and the raise frees one more
    const c = await waiting
    expect(limiter.limit).toBe(3)
    expect(limiter.tryAcquire()).toBeDefined()
    b.release()
    c.release()
  })
})

describe('AdaptiveConcurrency with AIMD (fake clock)', () => {
  it('adds about one per window of successes while latency is under the threshold', () => {
    const clock = new ManualClock()
    const limiter = new AdaptiveConcurrency({
      initial: 10,
      clock,
      algorithm: new AimdLimit({ latencyThresholdMs: 50 }),
    })
    const limits = rounds(limiter, clock, 10, 10)
    expect(nonDecreasing(limits)).toBe(true)
    expect(limits.at(-1)!).toBeGreaterThanOrEqual(18)
    expect(limits.at(-1)!).toBeLessThanOrEqual(20)
  })

  it('multiplies by the backoff on a slow or failed call, once per window', () => {
    const clock = new ManualClock()
    const limiter = new AdaptiveConcurrency({
      initial: 20,
      clock,
      algorithm: new AimdLimit({ latencyThresholdMs: 50, backoff: 0.5 }),
    })
    const permit = limiter.tryAcquire()!
    clock.advance(60)
    permit.release()
    expect(limiter.limit).toBe(10)
    // the calls that were in flight at the old limit carry the same news: no second cut for them
    for (let i = 0; i < 19; i++) limiter.tryAcquire()!.release('failure')
    expect(limiter.limit).toBe(10)
    limiter.tryAcquire()!.release('failure')
    expect(limiter.limit).toBe(5)
    expect(rounds(limiter, clock, 12, 100).at(-1)).toBe(1)
  })

  it('stays within max', () => {
    const clock = new ManualClock()
    const limiter = new AdaptiveConcurrency({
      initial: 5,
      max: 8,
      clock,
      algorithm: new AimdLimit({ increase: 5 }),
    })
    expect(rounds(limiter, clock, 10, 1).at(-1)).toBe(8)
  })

  it('refuses bad bounds and algorithm parameters', () => {
    expect(() => new AdaptiveConcurrency({ min: 5, max: 4 })).toThrow(/min <= initial <= max/)
    expect(() => new AdaptiveConcurrency({ initial: 0 })).toThrow(RangeError)
    expect(() => new AimdLimit({ backoff: 1 })).toThrow(RangeError)
    expect(() => new GradientLimit({ tolerance: 0.5 })).toThrow(RangeError)
    expect(() => new GradientLimit({ minWindow: 0 })).toThrow(RangeError)
  })
})
