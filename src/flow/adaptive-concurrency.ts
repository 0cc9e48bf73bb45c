import type { Clock } from './clock.js'
import { ConcurrencyLimiter, type ConcurrencyLimiterStats, type Outcome } from './concurrency-limiter.js'
import { GradientLimit } from './gradient-limit.js'
import type { LimitAlgorithm } from './limit-algorithm.js'

export interface AdaptiveConcurrencyOptions {
  /** Default 1. */
  min?: number
  /** Default 1000. */
  max?: number
  /** Where the limit starts. Default 10, within [min, max]. */
  initial?: number
  /** How the limit moves; default a GradientLimit with its defaults. AimdLimit is the other built-in. */
  algorithm?: LimitAlgorithm
  /** Errors for which this returns false are not failures (`run` reports them as 'ignore'). */
  isFailure?: (error: unknown) => boolean
  /** Called whenever the (whole-number) limit changes. */
  onLimitChange?: (limit: number, previous: number) => void
  clock?: Clock
}

export interface AdaptiveConcurrencyStats extends ConcurrencyLimiterStats {
  algorithm: string
  /** The fractional value the limit is the floor of. */
  estimate: number
  /** Times the whole-number limit went up and down. */
  raises: number
  cuts: number
}

/**
 * A concurrency limit that finds itself: every finished call's latency and
 * outcome go to a LimitAlgorithm, and the limit follows its estimate within
 * [min, max]. Use `acquire`/`release(outcome)` or `run(fn)`, as with a
 * ConcurrencyLimiter; `limit` is the current value.
 */
export class AdaptiveConcurrency extends ConcurrencyLimiter {
  readonly min: number
  readonly max: number
  readonly algorithm: LimitAlgorithm
  private estimate: number
  private readonly isFailure: ((error: unknown) => boolean) | undefined
  private readonly onLimitChange: ((limit: number, previous: number) => void) | undefined
  private raises = 0
  private cuts = 0

  constructor(options: AdaptiveConcurrencyOptions = {}) {
    const min = options.min ?? 1
    const max = options.max ?? 1000
    const initial = options.initial ?? Math.min(max, Math.max(min, 10))
    ConcurrencyLimiter.checkLimit('min', min)
    ConcurrencyLimiter.checkLimit('max', max)
    ConcurrencyLimiter.checkLimit('initial', initial)
    if (min > max || initial < min || initial > max) {
      throw new RangeError(`AdaptiveConcurrency needs min <= initial <= max, got ${min}, ${initial}, ${max}`)
    }
    super({ limit: initial, clock: options.clock })
    this.min = min
    this.max = max
    this.estimate = initial
    this.algorithm = options.algorithm ?? new GradientLimit()
    this.isFailure = options.isFailure
    this.onLimitChange = options.onLimitChange
  }

  override stats(): AdaptiveConcurrencyStats {
    return {
      ...super.stats(),
      algorithm: this.algorithm.name,
      estimate: this.estimate,
      raises: this.raises,
      cuts: this.cuts,
    }
  }

  protected override classify(error: unknown): Outcome {
    return this.isFailure === undefined || this.isFailure(error) ? 'failure' : 'ignore'
  }

  protected override onRelease(outcome: Outcome, latencyMs: number, inFlight: number): void {
    if (outcome === 'ignore') return
    const next = this.algorithm.next(this.estimate, { latencyMs, failed: outcome === 'failure', inFlight })
    this.estimate = Number.isFinite(next) ? Math.min(this.max, Math.max(this.min, next)) : this.estimate
    const limit = Math.max(this.min, Math.floor(this.estimate))
    const previous = this.limit
    if (limit === previous) return
    if (limit > previous) this.raises++
    else this.cuts++
    this.setLimit(limit)
    this.onLimitChange?.(limit, previous)
  }
}
