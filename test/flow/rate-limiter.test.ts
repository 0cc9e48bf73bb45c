import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src/flow/manual-clock.js'
import { RateLimiter } from '../../src/flow/rate-limiter.js'

/** Starts acquires and records the clock time at which each one passes. */
function passTimes(clock: ManualClock, acquires: Promise<void>[]): number[] {
  const times: number[] = new Array(acquires.length).fill(-1)
  acquires.forEach((p, i) => {
    p.then(
      () => {
        times[i] = clock.now()
      },
      () => {
        times[i] = Number.NaN
      },
    )
  })
  return times
}

describe('RateLimiter (fake clock)', () => {
  it('lets a burst through at once, then spaces acquires at the rate', async () => {
    const clock = new ManualClock()
    const limiter = new RateLimiter({ perSecond: 10, burst: 3, clock })
    const times = passTimes(
      clock,
      Array.from({ length: 7 }, () => limiter.acquire()),
    )
    await clock.advanceAsync(1000)
    expect(times).toEqual([0, 0, 0, 100, 200, 300, 400])
    expect(limiter.stats()).toMatchObject({
      waiting: 0,
      acquired: 7,
      waits: 4,
      waitMs: 100 + 200 + 300 + 400,
    })
  })

  it('refills up to the burst only, however long it was idle', async () => {
    const clock = new ManualClock()
    const limiter = new RateLimiter({ perSecond: 100, burst: 5, clock })
    clock.advance(60_000)
    let passed = 0
    while (limiter.tryAcquire()) passed++
    expect(passed).toBe(5)
    clock.advance(30)
    expect(limiter.tryAcquire(3)).toBe(true)
    expect(limiter.tryAcquire()).toBe(false)
  })

  it('limits bytes, and waits for whichever bucket is slower when limiting both', async () => {
    const clock = new ManualClock()
    const limiter = new RateLimiter({
      perSecond: 100,
      burst: 1,
      bytesPerSecond: 1000,
      burstBytes: 500,
      clock,
    })
    const times = passTimes(clock, [
      limiter.acquire(1, 400),
      // items are ready after 10 ms, bytes after 300 ms (400 needed, 100 left)
      limiter.acquire(1, 400),
      // then 10 ms for the item, 0 bytes
      limiter.acquire(1, 0),
    ])
    await clock.advanceAsync(1000)
    expect(times).toEqual([0, 300, 310])
    expect(limiter.stats()).toMatchObject({ acquired: 3, acquiredBytes: 800 })
  })

  it('lets a request larger than the burst through once the bucket is full, then makes the rest wait out the debt', async () => {
    const clock = new ManualClock()
    const limiter = new RateLimiter({ bytesPerSecond: 100, burstBytes: 100, clock })
    const times = passTimes(clock, [limiter.acquire(0, 250), limiter.acquire(0, 10)])
    await clock.advanceAsync(5000)
    // the first goes at once (full bucket) leaving -150; the next needs 10, so 160 bytes = 1.6 s
    expect(times).toEqual([0, 1600])
  })

  it('serves waiters first in, first out: tryAcquire does not jump the line', async () => {
    const clock = new ManualClock()
    const limiter = new RateLimiter({ perSecond: 10, burst: 3, clock })
    expect(limiter.tryAcquire()).toBe(true)
    // needs 3 with 2 left: waits 100 ms
    const times = passTimes(clock, [limiter.acquire(3), limiter.acquire(1)])
    await clock.advanceAsync(50)
    // 2.5 tokens would cover one, but a waiter is ahead
    expect(limiter.tryAcquire()).toBe(false)
    expect(limiter.stats().waiting).toBe(2)
    await clock.advanceAsync(1000)
    expect(times).toEqual([100, 200])
  })

  it('an aborted waiter leaves the line and the next one takes its turn', async () => {
    const clock = new ManualClock()
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, clock })
    await limiter.acquire()
    const controller = new AbortController()
    const first = limiter.acquire(1, 0, controller.signal)
    const times = passTimes(clock, [first, limiter.acquire()])
    clock.advance(500)
    controller.abort()
    await expect(first).rejects.toMatchObject({ name: 'AbortError' })
    await clock.advanceAsync(2000)
    expect(times[1]).toBe(1000)
    expect(clock.pendingTimers).toBe(0)
  })

  it('refuses bad configuration and amounts', async () => {
    expect(() => new RateLimiter({})).toThrow(/perSecond, bytesPerSecond or both/)
    expect(() => new RateLimiter({ perSecond: 0 })).toThrow(RangeError)
    expect(() => new RateLimiter({ perSecond: 1, burst: -1 })).toThrow(RangeError)
    const limiter = new RateLimiter({ perSecond: 1 })
    await expect(limiter.acquire(-1)).rejects.toThrow(RangeError)
    expect(() => limiter.tryAcquire(Number.NaN)).toThrow(RangeError)
  })
})
