import { EventEmitter } from 'node:events'
import { type Clock, systemClock } from './clock.js'
import { CircuitOpenError } from './errors.js'

export type CircuitState = 'closed' | 'open' | 'half-open'

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5; Infinity turns this rule off. */
  failureThreshold?: number
  /** Fraction of failed calls (0 < rate <= 1) within `windowMs` that opens the circuit. Default: rule off. */
  failureRate?: number
  /** The sliding window for `failureRate`. Default 10 s. */
  windowMs?: number
  /** Calls the window must hold before `failureRate` is judged. Default 10. */
  minimumCalls?: number
  /** How long the circuit stays open before letting probes through. Default 10 s. */
  openMs?: number
  /** Probe calls let through at once when half-open; all must succeed to close. Default 1. */
  halfOpenProbes?: number
  /** Errors for which this returns false do not count as failures (the downstream did answer). */
  isFailure?: (error: unknown) => boolean
  clock?: Clock
  /** Called on every transition (the same moment the events fire). */
  onStateChange?: (to: CircuitState, from: CircuitState) => void
}

export interface CircuitBreakerStats {
  state: CircuitState
  consecutiveFailures: number
  windowCalls: number
  windowFailures: number
  /** Times the circuit has opened. */
  opens: number
  /** Calls refused while open (or half-open with its probes out). */
  rejected: number
  successes: number
  failures: number
}

/** Events, by name: 'state' with (to, from) on every transition, and one named after each state entered. */
export interface CircuitBreakerEvents {
  state: [to: CircuitState, from: CircuitState]
  open: []
  'half-open': []
  closed: []
}

/** The failure-rate window is kept as this many buckets of counts, so its memory does not grow with traffic. */
const BUCKETS = 10

/**
 * Stops calling a downstream that keeps failing, and tries it again later.
 *
 * closed: calls go through; `failureThreshold` failures in a row, or a
 * failure rate of `failureRate` over the last `windowMs` (once it has seen
 * `minimumCalls`), open it. open: calls are refused with CircuitOpenError
 * (carrying how long until the next probe) for `openMs`. half-open: up to
 * `halfOpenProbes` calls go through; if they all succeed it closes, if any
 * fails it opens again for another `openMs`.
 *
 * The move from open to half-open happens when it is next looked at (a call
 * or reading `state`), so an idle breaker holds no timer. A call that started
 * before the last transition does not move the state when it ends: a slow
 * success from before the circuit opened must not close it.
 */
export class CircuitBreaker extends EventEmitter<CircuitBreakerEvents> {
  private readonly failureThreshold: number
  private readonly failureRate: number | undefined
  private readonly minimumCalls: number
  private readonly openMs: number
  private readonly halfOpenProbes: number
  private readonly isFailure: ((error: unknown) => boolean) | undefined
  private readonly clock: Clock
  private readonly onStateChange: ((to: CircuitState, from: CircuitState) => void) | undefined
  private readonly bucketMs: number
  private readonly bucketIds = new Array<number>(BUCKETS).fill(Number.NEGATIVE_INFINITY)
  private readonly bucketCalls = new Array<number>(BUCKETS).fill(0)
  private readonly bucketFailures = new Array<number>(BUCKETS).fill(0)

  private current: CircuitState = 'closed'
  /** Bumped on every transition; a call remembers the one it started in. */
  private generation = 0
  private openedAt = 0
  private consecutiveFailures = 0
  private probesOut = 0
  private probeSuccesses = 0
  private opens = 0
  private rejected = 0
  private successes = 0
  private failures = 0

  constructor(options: CircuitBreakerOptions = {}) {
    super()
    this.failureThreshold = options.failureThreshold ?? 5
    this.failureRate = options.failureRate
    this.minimumCalls = options.minimumCalls ?? 10
    this.openMs = options.openMs ?? 10_000
    this.halfOpenProbes = options.halfOpenProbes ?? 1
    const windowMs = options.windowMs ?? 10_000
    if (!(this.failureThreshold >= 1)) {
      throw new RangeError(`CircuitBreaker failureThreshold must be >= 1, got ${this.failureThreshold}`)
    }
    if (this.failureRate !== undefined && !(this.failureRate > 0 && this.failureRate <= 1)) {
      throw new RangeError(`CircuitBreaker failureRate must be in (0, 1], got ${this.failureRate}`)
    }
    if (!(windowMs > 0)) throw new RangeError(`CircuitBreaker windowMs must be positive, got ${windowMs}`)
    if (!(this.openMs >= 0)) throw new RangeError(`CircuitBreaker openMs must be >= 0, got ${this.openMs}`)
    if (!Number.isSafeInteger(this.halfOpenProbes) || this.halfOpenProbes < 1) {
      throw new RangeError(
        `CircuitBreaker halfOpenProbes must be a positive integer, got ${this.halfOpenProbes}`,
      )
    }
    this.bucketMs = windowMs / BUCKETS
    this.isFailure = options.isFailure
    this.clock = options.clock ?? systemClock
    this.onStateChange = options.onStateChange
  }

  get state(): CircuitState {
    this.checkOpenElapsed()
    return this.current
  }

  /**
   * Calls `fn` if the circuit lets it through and records how it went;
   * otherwise rejects with CircuitOpenError without calling it.
   */
  async run<R>(fn: () => R | PromiseLike<R>): Promise<R> {
    this.checkOpenElapsed()
    if (this.current === 'open') {
      this.rejected++
      throw new CircuitOpenError(this.openedAt + this.openMs - this.clock.now())
    }
    if (this.current === 'half-open') {
      if (this.probesOut + this.probeSuccesses >= this.halfOpenProbes) {
        this.rejected++
        throw new CircuitOpenError(0)
      }
      this.probesOut++
    }
    const generation = this.generation
    let result: R
    try {
      result = await fn()
    } catch (error) {
      if (this.isFailure === undefined || this.isFailure(error)) this.recordFailure(generation)
      else this.recordSuccess(generation)
      throw error
    }
    this.recordSuccess(generation)
    return result
  }

  /** Back to closed with clean counts, whatever the state. */
  reset(): void {
    this.clearCounts()
    this.transition('closed')
  }

  /** Opens the circuit now, as if failures had done it (for a downstream known to be down). */
  trip(): void {
    this.open()
  }

  stats(): CircuitBreakerStats {
    const { calls, failures } = this.windowTotals(this.clock.now())
    return {
      state: this.state,
      consecutiveFailures: this.consecutiveFailures,
      windowCalls: calls,
      windowFailures: failures,
      opens: this.opens,
      rejected: this.rejected,
      successes: this.successes,
      failures: this.failures,
    }
  }

  private checkOpenElapsed(): void {
    if (this.current === 'open' && this.clock.now() - this.openedAt >= this.openMs) {
      this.probesOut = 0
      this.probeSuccesses = 0
      this.transition('half-open')
    }
  }

  private recordSuccess(generation: number): void {
    this.successes++
    if (generation !== this.generation) return
    if (this.current === 'half-open') {
      this.probesOut--
      this.probeSuccesses++
      if (this.probeSuccesses >= this.halfOpenProbes) {
        this.clearCounts()
        this.transition('closed')
      }
      return
    }
    this.consecutiveFailures = 0
    this.countInWindow(false)
  }

  private recordFailure(generation: number): void {
    this.failures++
    if (generation !== this.generation) return
    if (this.current === 'half-open') {
      this.open()
      return
    }
    this.consecutiveFailures++
    this.countInWindow(true)
    if (this.consecutiveFailures >= this.failureThreshold) {
      this.open()
      return
    }
    if (this.failureRate !== undefined) {
      const { calls, failures } = this.windowTotals(this.clock.now())
      if (calls >= this.minimumCalls && failures / calls >= this.failureRate) this.open()
    }
  }

  private open(): void {
    this.openedAt = this.clock.now()
    this.opens++
    this.clearCounts()
    this.transition('open')
  }

  private clearCounts(): void {
    this.consecutiveFailures = 0
    this.probesOut = 0
    this.probeSuccesses = 0
    this.bucketIds.fill(Number.NEGATIVE_INFINITY)
    this.bucketCalls.fill(0)
    this.bucketFailures.fill(0)
  }

  private transition(to: CircuitState): void {
    const from = this.current
    this.generation++
    if (from === to) return
    this.current = to
    this.onStateChange?.(to, from)
    this.emit('state', to, from)
    this.emit(to)
  }

  private countInWindow(failed: boolean): void {
    const id = Math.floor(this.clock.now() / this.bucketMs)
    const slot = ((id % BUCKETS) + BUCKETS) % BUCKETS
    if (this.bucketIds[slot] !== id) {
      this.bucketIds[slot] = id
      this.bucketCalls[slot] = 0
      this.bucketFailures[slot] = 0
    }
    this.bucketCalls[slot]++
    if (failed) this.bucketFailures[slot]++
  }

  private windowTotals(now: number): { calls: number; failures: number } {
    const id = Math.floor(now / this.bucketMs)
    let calls = 0
    let failures = 0
    for (let slot = 0; slot < BUCKETS; slot++) {
      if (this.bucketIds[slot] > id - BUCKETS) {
        calls += this.bucketCalls[slot]
        failures += this.bucketFailures[slot]
      }
    }
    return { calls, failures }
  }
}
