import { describe, expect, it } from 'vitest'
import { ConcurrencyLimiter } from '../../src/flow/concurrency-limiter.js'

describe('ConcurrencyLimiter', () => {
  it('hands out at most `limit` permits and lets waiters in, in order, as permits come back', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 2 })
    const a = limiter.tryAcquire()!
    const b = await limiter.acquire()
    expect(limiter.tryAcquire()).toBeUndefined()
    const order: string[] = []
    const c = limiter.acquire().then((permit) => {
      order.push('c')
      return permit
    })
    const d = limiter.acquire().then((permit) => {
      order.push('d')
      return permit
    })
    expect(limiter.waiting).toBe(2)
    a.release()
    a.release() // a second release is ignored
    await c
    expect(order).toEqual(['c'])
    expect(limiter.inFlight).toBe(2)
    b.release()
    ;(await d).release()
    ;(await c).release()
    expect(limiter.stats()).toEqual({ limit: 2, inFlight: 0, waiting: 0, acquired: 4, maxInFlight: 2 })
  })

  it('run releases on success and on failure', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1 })
    expect(await limiter.run(async () => 'ok')).toBe('ok')
    await expect(limiter.run(() => Promise.reject(new Error('bad')))).rejects.toThrow('bad')
    expect(limiter.inFlight).toBe(0)
    let peak = 0
    await Promise.all(
      Array.from({ length: 5 }, () =>
        limiter.run(async () => {
          peak = Math.max(peak, limiter.inFlight)
          await new Promise((resolve) => setImmediate(resolve))
        }),
      ),
    )
    expect(peak).toBe(1)
  })

  it('an aborted waiter gives up its place', async () => {
    const limiter = new ConcurrencyLimiter({ limit: 1 })
    const held = await limiter.acquire()
    const controller = new AbortController()
    const gaveUp = limiter.acquire(controller.signal)
    const next = limiter.acquire()
    controller.abort()
    await expect(gaveUp).rejects.toMatchObject({ name: 'AbortError' })
    held.release()
    ;(await next).release()
    expect(limiter.stats()).toMatchObject({ inFlight: 0, waiting: 0, acquired: 2 })
  })

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimiter({ limit: 0 })).toThrow(/positive integer/)
    expect(() => new ConcurrencyLimiter({ limit: 2.5 })).toThrow(RangeError)
  })
})
