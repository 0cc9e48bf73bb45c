import type { LimitAlgorithm, LimitSample } from './limit-algorithm.js'

export interface AimdLimitOptions {
  /** Added to the limit over each full window of successful calls (a window is `limit` calls). Default 1. */
  increase?: number
  /** The limit is multiplied by this on a failure or a slow call. Default 0.9. */
  backoff?: number
  /** A call slower than this counts as a failure. Default: latency is ignored. */
  latencyThresholdMs?: number
}

/**
 * Additive increase, multiplicative decrease, as TCP congestion control does
 * it: grow by `increase` per window of successes (1/limit per call, so a
 * window of `limit` calls adds `increase`), and cut by `backoff` on a failure
 * or a call over `latencyThresholdMs`.
 *
 * After a cut, further bad news is ignored for one window: the calls already
 * in flight when the first one failed were sent at the old limit and will
 * likely fail too, and cutting once for each of them would collapse the limit
 * for a single overload (TCP likewise cuts once per round trip). It only grows
 * while the limit is actually in use (at least half of it in flight): a limit
 * that is never reached says nothing about whether a higher one is safe.
 */
export class AimdLimit implements LimitAlgorithm {
  readonly name = 'aimd'
  private readonly increase: number
  private readonly backoff: number
  private readonly latencyThresholdMs: number
  /** Samples left before another cut is allowed. */
  private holdOff = 0

  constructor(options: AimdLimitOptions = {}) {
    this.increase = options.increase ?? 1
    this.backoff = options.backoff ?? 0.9
    this.latencyThresholdMs = options.latencyThresholdMs ?? Number.POSITIVE_INFINITY
    if (!(this.increase > 0))
      throw new RangeError(`AimdLimit increase must be positive, got ${this.increase}`)
    if (!(this.backoff > 0 && this.backoff < 1)) {
      throw new RangeError(`AimdLimit backoff must be between 0 and 1, got ${this.backoff}`)
    }
  }

  next(estimate: number, sample: LimitSample): number {
    const bad = sample.failed || sample.latencyMs > this.latencyThresholdMs
    if (this.holdOff > 0) {
      this.holdOff--
      if (bad) return estimate
    }
    if (bad) {
      const cut = estimate * this.backoff
      // the other calls of this window were in flight alongside the one that failed
      this.holdOff = Math.max(0, Math.floor(estimate) - 1)
      return cut
    }
    if (sample.inFlight * 2 < estimate) return estimate
    return estimate + this.increase / estimate
  }
}
