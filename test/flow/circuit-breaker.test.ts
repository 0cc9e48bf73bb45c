import { describe, expect, it } from 'vitest'
import { CircuitBreaker, type CircuitState } from '../../src/flow/circuit-breaker.js'
import { CircuitOpenError } from '../../src/flow/errors.js'
import { ManualClock } from '../../src/flow/manual-clock.js'

const ok = () => Promise.resolve('ok')
const fail = () => Promise.reject(new Error('down'))

/** Runs `fn` through the breaker and says how it went, without throwing. */
async function attempt(breaker: CircuitBreaker, fn: () => Promise<string>): Promise<string> {
  try {
    return await breaker.run(fn)
  } catch (error) {
    return error instanceof CircuitOpenError ? 'rejected' : 'failed'
  }
}

function recordTransitions(breaker: CircuitBreaker) {
  const seen: string[] = []
  breaker.on('state', (to: CircuitState, from: CircuitState) => seen.push(`${from}->${to}`))
  return seen
}

describe('CircuitBreaker (fake clock)', () => {
  it('opens after consecutive failures, refuses calls while open, probes after openMs, closes on success', async () => {
    const clock = new ManualClock()
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, clock })
    const transitions = recordTransitions(breaker)
    expect(await attempt(breaker, fail)).toBe('failed')
    expect(await attempt(breaker, fail)).toBe('failed')
    // a success in between resets the run of failures
    expect(await attempt(breaker, ok)).toBe('ok')
    for (let i = 0; i < 3; i++) expect(await attempt(breaker, fail)).toBe('failed')
    expect(breaker.state).toBe('open')

    let called = false
    clock.advance(400)
    const refused = breaker.run(async () => {
      called = true
      return 'x'
    })
    await expect(refused).rejects.toBeInstanceOf(CircuitOpenError)
    await expect(refused).rejects.toMatchObject({ retryAfterMs: 600 })
    expect(called).toBe(false)

    clock.advance(600)
    expect(breaker.state).toBe('half-open')
    expect(await attempt(breaker, ok)).toBe('ok')
    expect(breaker.state).toBe('closed')
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->closed'])
    expect(breaker.stats()).toMatchObject({ opens: 1, rejected: 1, successes: 2, failures: 5 })
  })

  it('a failed probe opens it again for another openMs', async () => {
    const clock = new ManualClock()
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 500, clock })
    const transitions = recordTransitions(breaker)
    await attempt(breaker, fail)
    clock.advance(500)
    expect(await attempt(breaker, fail)).toBe('failed')
    expect(breaker.state).toBe('open')
    clock.advance(499)
    expect(await attempt(breaker, ok)).toBe('rejected')
    clock.advance(1)
    expect(await attempt(breaker, ok)).toBe('ok')
    expect(transitions).toEqual([
      'closed->open',
      'open->half-open',
      'half-open->open',
      'open->half-open',
      'half-open->closed',
    ])
  })

  it('lets only halfOpenProbes calls through when half-open, and needs them all to succeed', async () => {
    const clock = new ManualClock()
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 100, halfOpenProbes: 2, clock })
    await attempt(breaker, fail)
    clock.advance(100)
    let release!: () => void
    const gate = new Promise<string>((resolve) => {
      release = () => resolve('ok')
    })
    const probe1 = attempt(breaker, () => gate)
    const probe2 = attempt(breaker, () => gate)
    expect(await attempt(breaker, ok)).toBe('rejected')
    release()
    expect(await probe1).toBe('ok')
    expect(await probe2).toBe('ok')
    expect(breaker.state).toBe('closed')
  })

  it('opens on a failure rate over the window once it has enough calls, forgetting calls that left the window', async () => {
    const clock = new ManualClock()
    const breaker = new CircuitBreaker({
      failureThreshold: Number.POSITIVE_INFINITY,
      failureRate: 0.5,
      minimumCalls: 6,
      windowMs: 1000,
      clock,
    })
    // old failures that fall out of the window do not count
    for (let i = 0; i < 5; i++) await attempt(breaker, fail)
    clock.advance(1500)
    for (let i = 0; i < 4; i++) {
      await attempt(breaker, ok)
      await attempt(breaker, fail)
      clock.advance(50)
    }
    // the 6th call in the window (its 3rd failure) reaches minimumCalls at exactly 50%
    expect(breaker.state).toBe('open')
    expect(breaker.stats().opens).toBe(1)
  })

  it('does not open below the rate or below minimumCalls', async () => {
    const clock = new ManualClock()
    const breaker = new CircuitBreaker({
      failureThreshold: Number.POSITIVE_INFINITY,
      failureRate: 0.5,
      minimumCalls: 10,
      windowMs: 1000,
      clock,
    })
    // 100% failures, but only 4 calls: too few to judge
    for (let i = 0; i < 4; i++) await attempt(breaker, fail)
    expect(breaker.state).toBe('closed')
    for (let i = 0; i < 6; i++) await attempt(breaker, ok)
    // from here every failure leaves the rate just under one half: (4 + k) / (10 + 2k)
    for (let i = 0; i < 10; i++) {
      await attempt(breaker, ok)
      await attempt(breaker, fail)
    }
    expect(breaker.stats()).toMatchObject({ state: 'closed', windowCalls: 30, windowFailures: 14 })
    await attempt(breaker, fail)
    // 15 of 31 is still under; one more makes 16 of 32
    expect(breaker.state).toBe('closed')
    await attempt(breaker, fail)
    expect(breaker.state).toBe('open')
  })

  it('errors isFailure rejects count as answers, not failures', async () => {
    const breaker = new CircuitBreaker({
      failureThreshold: 2,
      isFailure: (error) => (error as Error).message !== 'not found',
    })
    for (let i = 0; i < 5; i++) {
      await expect(breaker.run(() => Promise.reject(new Error('not found')))).rejects.toThrow('not found')
    }
    expect(breaker.state).toBe('closed')
  })

  it('a call that started before the circuit opened does not close it when it succeeds late', async () => {
    const clock = new ManualClock()
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 1000, clock })
    let finishSlow!: () => void
    const slow = attempt(
      breaker,
      () => new Promise<string>((resolve) => (finishSlow = () => resolve('late'))),
    )
    await attempt(breaker, fail)
    expect(breaker.state).toBe('open')
    finishSlow()
    expect(await slow).toBe('late')
    expect(breaker.state).toBe('open')
  })

  it('emits a named event per state, calls onStateChange, and supports trip and reset', () => {
    const calls: string[] = []
    const breaker = new CircuitBreaker({ onStateChange: (to, from) => calls.push(`${from}->${to}`) })
    const named: string[] = []
    breaker.on('open', () => named.push('open'))
    breaker.on('closed', () => named.push('closed'))
    breaker.trip()
    expect(breaker.state).toBe('open')
    breaker.reset()
    expect(breaker.state).toBe('closed')
    expect(calls).toEqual(['closed->open', 'open->closed'])
    expect(named).toEqual(['open', 'closed'])
  })

  it('refuses bad configuration', () => {
    expect(() => new CircuitBreaker({ failureRate: 0 })).toThrow(/failureRate/)
    expect(() => new CircuitBreaker({ halfOpenProbes: 0 })).toThrow(/halfOpenProbes/)
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(/failureThreshold/)
  })
})
