import { type Clock, systemClock } from './clock.js'

export interface WatermarksOptions {
  /** Pause when the level reaches this or more. */
  high: number
  /** Resume when the level falls to this or less; below `high`, so there is a band where nothing changes. */
  low: number
  /** Called on every change, with the new state and the level that caused it. */
  onChange?: (paused: boolean, level: number) => void
  /** Used to add up the time spent paused. */
  clock?: Clock
}

export interface WatermarksStats {
  paused: boolean
  level: number
  /** How many times the gate has paused. */
  pauses: number
  /** Total time spent paused, including the current pause. */
  pausedMs: number
}

/**
 * A high/low gate with hysteresis: paused at or above `high`, resumed at or
 * below `low`, unchanged in between. A single threshold would pause and
 * resume on every item around it (a consumer pausing and resuming a partition
 * on every record); the band between the marks absorbs that.
 */
export class Watermarks {
  readonly high: number
  readonly low: number
  private readonly onChange: ((paused: boolean, level: number) => void) | undefined
  private readonly clock: Clock
  private isPaused = false
  private current = 0
  private pauseCount = 0
  private pausedSince = 0
  private pausedTotalMs = 0

  constructor(options: WatermarksOptions) {
    const { high, low } = options
    if (!Number.isFinite(high) || !Number.isFinite(low) || low < 0 || low >= high) {
      throw new RangeError(`Watermarks need 0 <= low < high, got low ${low} and high ${high}`)
    }
    this.high = high
    this.low = low
    this.onChange = options.onChange
    this.clock = options.clock ?? systemClock
  }

  get paused(): boolean {
    return this.isPaused
  }

  get level(): number {
    return this.current
  }

  /** Sets the level and returns whether the gate is now paused. */
  update(level: number): boolean {
    this.current = level
    if (!this.isPaused && level >= this.high) {
      this.isPaused = true
      this.pauseCount++
      this.pausedSince = this.clock.now()
      this.onChange?.(true, level)
    } else if (this.isPaused && level <= this.low) {
      this.isPaused = false
      this.pausedTotalMs += this.clock.now() - this.pausedSince
      this.onChange?.(false, level)
    }
    return this.isPaused
  }

  /** Moves the level by `delta` (positive as items arrive, negative as they leave). */
  add(delta: number): boolean {
    return this.update(this.current + delta)
  }

  stats(): WatermarksStats {
    return {
      paused: this.isPaused,
      level: this.current,
      pauses: this.pauseCount,
      pausedMs: this.pausedTotalMs + (this.isPaused ? this.clock.now() - this.pausedSince : 0),
    }
  }
}
