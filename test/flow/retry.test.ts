import { describe, expect, it } from 'vitest'
import { CircuitOpenError } from '../../src/flow/errors.js'
import { ManualClock } from '../../src/flow/manual-clock.js'
import { backoffDelay, retry } from '../../src/flow/retry.js'

class Flaky extends Error {
  constructor(
    message: string,
    readonly retriable?: boolean,
  ) {
    super(message)
  }
}

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, then jitters as asked', () => {
    const options = { initialMs: 100, multiplier: 2, maxMs: 700 }
    const plain = [1, 2, 3, 4, 5].map((n) => backoffDelay(n, { ...options, jitter: 'none' }))
    expect(plain).toEqual([100, 200, 400, 700, 700])
    expect(backoffDelay(3, { ...options, jitter: 'full' }, () => 0.25)).toBe(100)
    expect(backoffDelay(3, { ...options, jitter: 'equal' }, () => 0.25)).toBe(250)
    expect(backoffDelay(3, { ...options, jitter: 'full' }, () => 0)).toBe(0)
  })
})

describe('retry (fake clock)', () => {
  it('retries until success, waiting the backoff between attempts', async () => {
    const clock = new ManualClock()
    const calls: number[] = []
    const delays: number[] = []
    const result = retry(
      (attempt) => {
        calls.push(clock.now())
        if (attempt < 4) throw new Flaky(`attempt ${attempt}`)
        return `done on ${attempt}`
      },
      {
        attempts: 5,
        backoff: { initialMs: 100, maxMs: 250, jitter: 'none' },
        clock,
        onRetry: (_error, _attempt, delay) => delays.push(delay),
      },
    )
    await clock.advanceAsync(10_000)
    expect(await result).toBe('done on 4')
    expect(delays).toEqual([100, 200, 250])
    expect(calls).toEqual([0, 100, 300, 550])
  })

  it('gives up after `attempts` calls with the last error', async () => {
    const clock = new ManualClock()
    let n = 0
    const result = retry(
      () => {
        n++
        return Promise.reject(new Flaky(`failure ${n}`))
      },
      { attempts: 3, backoff: () => 10, clock },
    )
    const settled = expect(result).rejects.toThrow('failure 3')
    await clock.advanceAsync(100)
    await settled
    expect(n).toBe(3)
  })

  it('does not retry what the predicate refuses, nor errors that say they are not retriable', async () => {
    let n = 0
    await expect(
      retry(
        () => {
          n++
          throw new Flaky('fatal', false)
        },
        { attempts: 5, backoff: () => 0 },
      ),
    ).rejects.toThrow('fatal')
    expect(n).toBe(1)
    n = 0
    await expect(
      retry(
        () => {
          n++
          throw new Flaky('bad input')
        },
        { attempts: 5, backoff: () => 0, retryIf: (error) => (error as Error).message !== 'bad input' },
      ),
    ).rejects.toThrow('bad input')
    expect(n).toBe(1)
  })

  it('an abort ends the wait at once with the signal reason and makes no further call', async () => {
    const clock = new ManualClock()
    const controller = new AbortController()
    let n = 0
    const result = retry(
      (_attempt, signal) => {
        n++
        expect(signal).toBe(controller.signal)
        throw new Flaky('busy')
      },
      { attempts: 10, backoff: () => 1000, clock, signal: controller.signal },
    )
    await clock.advanceAsync(1500)
    expect(n).toBe(2)
    controller.abort(new Error('shutdown'))
    await expect(result).rejects.toThrow('shutdown')
    expect(clock.pendingTimers).toBe(0)
    await clock.advanceAsync(5000)
    expect(n).toBe(2)
  })

  it('uses the injected random source for jitter', async () => {
    const clock = new ManualClock()
    const delays: number[] = []
    const result = retry(
      (attempt) => {
        if (attempt < 3) throw new Flaky('again')
        return attempt
      },
      {
        attempts: 3,
        backoff: { initialMs: 1000 },
        random: () => 0.5,
        clock,
        onRetry: (_e, _a, delay) => delays.push(delay),
      },
    )
    await clock.advanceAsync(5000)
    expect(await result).toBe(3)
    expect(delays).toEqual([500, 1000])
  })

  it('waits at least the retryAfterMs an error asks for, and passes the error to a backoff function', async () => {
    const clock = new ManualClock()
    const calls: number[] = []
    const result = retry(
      (attempt) => {
        calls.push(clock.now())
        if (attempt === 1) throw new CircuitOpenError(750)
        if (attempt === 2) throw new Flaky('plain')
        return 'ok'
      },
      { attempts: 3, backoff: { initialMs: 100, jitter: 'none' }, clock },
    )
    await clock.advanceAsync(5000)
    expect(await result).toBe('ok')
    // 750 (asked for, above the 100 of the rule), then 200 by the rule
    expect(calls).toEqual([0, 750, 950])
    const seen: unknown[] = []
    await retry(
      (attempt) => {
        if (attempt === 1) throw new Flaky('first')
        return attempt
      },
      {
        attempts: 2,
        backoff: (n, error) => {
          seen.push([n, (error as Error).message])
          return 0
        },
      },
    )
    expect(seen).toEqual([[1, 'first']])
  })

  it('refuses a bad attempt count', async () => {
    await expect(retry(() => 1, { attempts: 0 })).rejects.toThrow(/attempts/)
  })
})
