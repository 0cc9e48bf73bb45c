/** What an adaptive limiter learns from one finished call. */
export interface LimitSample {
  /** From acquiring the permit to releasing it. */
  latencyMs: number
  failed: boolean
  /** The larger of the calls in flight when this one started and when it finished, itself included. */
  inFlight: number
}

/**
 * A rule for moving a concurrency limit. It works on a fractional estimate
 * (so small steps add up) and returns the next one; AdaptiveConcurrency
 * clamps it to [min, max] and exposes its floor as the limit.
 */
export interface LimitAlgorithm {
  readonly name: string
  next(estimate: number, sample: LimitSample): number
}
