import { abortReason, type Clock, systemClock } from './clock.js'
import { RingBuffer } from './ring-buffer.js'

/**
 * How a call that held a permit went: 'failure' counts against the limit
 * (adaptive limiters shrink on it), 'ignore' tells them to learn nothing from
 * it (a call cancelled by the caller, say). A fixed limiter treats all alike.
 */
export type Outcome = 'success' | 'failure' | 'ignore'

/** The right to run one call; release it exactly once (further releases are ignored). */
export interface Permit {
  release(outcome?: Outcome): void
}

export interface ConcurrencyLimiterOptions {
  /** Most permits out at once; a positive integer. */
  limit: number
  /** Times each permit, for the latencies adaptive limiters learn from. */
  clock?: Clock
}

export interface ConcurrencyLimiterStats {
  limit: number
  inFlight: number
  waiting: number
  /** Permits handed out so far. */
  acquired: number
  maxInFlight: number
}

interface Waiter {
  resolve: (permit: Permit) => void
  reject: (error: unknown) => void
  signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
}

type ReleaseFn = (permit: HeldPermit, outcome: Outcome) => void

class HeldPermit implements Permit {
  private released = false

  constructor(
    private readonly onRelease: ReleaseFn,
    readonly startedAt: number,
    /** Permits out when this one was granted, itself included. */
    readonly inFlightAtStart: number,
  ) {}

  release(outcome: Outcome = 'success'): void {
    if (this.released) return
    this.released = true
    this.onRelease(this, outcome)
  }
}

/**
 * At most `limit` calls in flight; the rest wait in arrival order. The base
 * of AdaptiveConcurrency, whose limit moves while this one's stays put.
 */
export class ConcurrencyLimiter {
  protected readonly clock: Clock
  private currentLimit: number
  private active = 0
  private readonly waiters = new RingBuffer<Waiter>()
  private acquiredCount = 0
  private maxActive = 0

  constructor(options: ConcurrencyLimiterOptions) {
    ConcurrencyLimiter.checkLimit('limit', options.limit)
    this.currentLimit = options.limit
    this.clock = options.clock ?? systemClock
  }

  protected static checkLimit(name: string, value: number): void {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`concurrency ${name} must be a positive integer, got ${value}`)
    }
  }

  get limit(): number {
    return this.currentLimit
  }

  get inFlight(): number {
    return this.active
  }

  get waiting(): number {
    return this.waiters.length
  }

  /** A permit if one is free and nobody is waiting ahead; never waits. */
  tryAcquire(): Permit | undefined {
    if (this.waiters.length > 0 || this.active >= this.currentLimit) return undefined
    return this.grant()
  }

  /** Waits for a permit; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<Permit> {
    const permit = this.tryAcquire()
    if (permit !== undefined) return Promise.resolve(permit)
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined }
      if (signal !== undefined) {
        waiter.onAbort = () => {
          if (this.waiters.remove(waiter)) reject(abortReason(signal))
        }
        signal.addEventListener('abort', waiter.onAbort, { once: true })
      }
      this.waiters.push(waiter)
    })
  }

  /** Runs `fn` under a permit, releasing it with the outcome `classify` gives a failure. */
  async run<R>(fn: () => R | PromiseLike<R>, signal?: AbortSignal): Promise<R> {
    const permit = await this.acquire(signal)
    let result: R
    try {
      result = await fn()
    } catch (error) {
      permit.release(this.classify(error))
      throw error
    }
    permit.release('success')
    return result
  }

  stats(): ConcurrencyLimiterStats {
    return {
      limit: this.currentLimit,
      inFlight: this.active,
      waiting: this.waiters.length,
      acquired: this.acquiredCount,
      maxInFlight: this.maxActive,
    }
  }

  /** The outcome `run` reports for an error; every error is a failure unless a subclass says otherwise. */
  protected classify(_error: unknown): Outcome {
    return 'failure'
  }

  /**
   * Called for every release. `inFlight` is the larger of the permits out
   * when this one was granted and when it was released, both counting itself.
   */
  protected onRelease(_outcome: Outcome, _latencyMs: number, _inFlight: number): void {}

  /** Changes the limit; a raise lets waiters in at once, a cut waits for calls in flight to finish. */
  protected setLimit(limit: number): void {
    this.currentLimit = limit
    this.admitWaiters()
  }

  private grant(): Permit {
    this.active++
    this.acquiredCount++
    if (this.active > this.maxActive) this.maxActive = this.active
    return new HeldPermit(this.releasePermit, this.clock.now(), this.active)
  }

  /** One function per limiter, shared by its permits, so a permit does not carry its own closure. */
  private readonly releasePermit: ReleaseFn = (permit, outcome) => {
    // the busier end of the call's life: calls that finish together would
    // otherwise see the limiter emptying under them and report it idle
    const inFlight = Math.max(this.active, permit.inFlightAtStart)
    this.active--
    this.onRelease(outcome, this.clock.now() - permit.startedAt, inFlight)
    this.admitWaiters()
  }

  private admitWaiters(): void {
    while (this.waiters.length > 0 && this.active < this.currentLimit) {
      const waiter = this.waiters.shift()!
      if (waiter.onAbort !== undefined) waiter.signal!.removeEventListener('abort', waiter.onAbort)
      waiter.resolve(this.grant())
    }
  }
}
