import type { LimitAlgorithm, LimitSample } from './limit-algorithm.js'

export interface GradientLimitOptions {
  /** How far a window's latency may rise above the long-run latency before the limit shrinks. Default 1.5. */
  tolerance?: number
  /** Fraction of the way the limit moves toward its target at the end of each window. Default 0.5. */
  smoothing?: number
  /** Fewest calls in a window; a window is otherwise `limit` calls, about one round trip's worth. Default 10. */
  minWindow?: number
  /**
   * How many windows the long-run latency takes to follow a rise within
   * tolerance (an exponential moving average of that span); see the class
   * notes for rises beyond it and falls. Default 100.
   */
  longWindows?: number
  /** The limit is multiplied by this after a window with failures. Default 0.9. */
  backoff?: number
}

/**
 * Moves the limit by the ratio of long-run to recent latency: queueing shows
 * up as latency before it shows up as errors.
 *
 * Calls are gathered into windows of about one limit's worth (at least
 * `minWindow`), so the limit moves once per round trip whatever the call
 * rate. At the end of a window, with `avg` its mean latency and `long` the
 * long-run mean over earlier windows:
 *
 *   gradient = clamp(tolerance × long / avg, 0.5, 1)
 *   target   = limit × gradient + √limit / 2
 *   limit    = limit + smoothing × (target − limit)
 *
 * While latency stays within `tolerance` of its long-run value the gradient
 * is 1 and the limit grows by the headroom term; when latency climbs the
 * limit shrinks in proportion. A window with failures cuts the limit by
 * `backoff` instead, and its failures are kept out of the averages (a fast
 * failure would look like good latency).
 *
 * The long-run mean follows a rise within tolerance over about `longWindows`
 * windows, a rise beyond it ten times slower, and a fall within a couple of
 * windows. If it followed rises quickly, queueing caused by the limit itself
 * would soon pass for the new normal and the limit would climb after it until
 * calls fail; yet a downstream that has become slower for good is accepted
 * eventually. Following falls quickly keeps an old slow period from hiding
 * the next one.
 */
export class GradientLimit implements LimitAlgorithm {
  readonly name = 'gradient'
  private readonly tolerance: number
  private readonly smoothing: number
  private readonly minWindow: number
  private readonly longAlpha: number
  private readonly backoff: number
  private longMs = 0
  private lastWindowMs = 0
  private seeded = false
  private windowCalls = 0
  private windowFailures = 0
  private windowLatencyMs = 0
  private windowPeakInFlight = 0

  constructor(options: GradientLimitOptions = {}) {
    this.tolerance = options.tolerance ?? 1.5
    this.smoothing = options.smoothing ?? 0.5
    this.minWindow = options.minWindow ?? 10
    this.backoff = options.backoff ?? 0.9
    const longWindows = options.longWindows ?? 100
    if (!(this.tolerance >= 1))
      throw new RangeError(`GradientLimit tolerance must be >= 1, got ${this.tolerance}`)
    if (!(this.smoothing > 0 && this.smoothing <= 1)) {
      throw new RangeError(`GradientLimit smoothing must be in (0, 1], got ${this.smoothing}`)
    }
    if (!(this.backoff > 0 && this.backoff < 1)) {
      throw new RangeError(`GradientLimit backoff must be between 0 and 1, got ${this.backoff}`)
    }
    if (!Number.isSafeInteger(this.minWindow) || this.minWindow < 1) {
      throw new RangeError(`GradientLimit minWindow must be a positive integer, got ${this.minWindow}`)
    }
    if (!(longWindows >= 1))
      throw new RangeError(`GradientLimit longWindows must be >= 1, got ${longWindows}`)
    // the usual span-to-weight conversion for an exponential moving average
    this.longAlpha = 2 / (longWindows + 1)
  }

  /** The last window's mean latency and the long-run mean, for monitoring. */
  get latencies(): { windowMs: number; longMs: number } {
    return { windowMs: this.lastWindowMs, longMs: this.longMs }
  }

  next(estimate: number, sample: LimitSample): number {
    this.windowCalls++
    if (sample.failed) this.windowFailures++
    else this.windowLatencyMs += sample.latencyMs
    if (sample.inFlight > this.windowPeakInFlight) this.windowPeakInFlight = sample.inFlight
    if (this.windowCalls < Math.max(this.minWindow, Math.floor(estimate))) return estimate

    const calls = this.windowCalls
    const failures = this.windowFailures
    const peakInFlight = this.windowPeakInFlight
    const avg = failures < calls ? Math.max(this.windowLatencyMs / (calls - failures), 1e-6) : 0
    this.windowCalls = 0
    this.windowFailures = 0
    this.windowLatencyMs = 0
    this.windowPeakInFlight = 0

    if (failures > 0) return estimate * this.backoff
    this.lastWindowMs = avg
    if (!this.seeded) {
      this.longMs = avg
      this.seeded = true
    }
    const gradient = Math.max(0.5, Math.min(1, (this.tolerance * this.longMs) / avg))
    if (avg < this.longMs) {
      this.longMs += 0.5 * (avg - this.longMs)
    } else {
      // latency within tolerance is absorbed over `longWindows`; latency the
      // limit is already being cut for, ten times slower, or the limit would
      // soon take its own queueing for the new normal and climb after it
      const alpha = gradient >= 1 ? this.longAlpha : this.longAlpha / 10
      this.longMs += alpha * (avg - this.longMs)
    }
    // at full gradient with the limit not in use, there is nothing to learn
    if (gradient >= 1 && peakInFlight * 2 < estimate) return estimate
    const target = estimate * gradient + Math.sqrt(estimate) / 2
    return estimate + this.smoothing * (target - estimate)
  }
}
