import type { Clock, TimerHandle } from './clock.js'

interface ManualTimer {
  at: number
  /** Creation order, so timers due at the same moment fire in the order they were set. */
  seq: number
  callback: () => void
}

/** Lets every promise job queued so far run (and the jobs those queue), before the caller goes on. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * A clock that only moves when told to, for deterministic tests of anything
 * in src/flow (and of applications built on it). Timers fire in due order,
 * each with `now()` reading its due time, so a callback that sets another
 * timer sees the time it would have seen in real life.
 *
 * `advance` fires timers synchronously. Code that awaits between timers (a
 * retry loop, a rate limiter's waiter) needs `advanceAsync`, which lets
 * pending promise jobs run after every timer so the next timer they set is
 * in place before time moves past it.
 */
export class ManualClock implements Clock {
  private current: number
  private seq = 0
  /** Kept sorted by (at, seq); tests hold few timers, so insertion into an array is cheapest. */
  private timers: ManualTimer[] = []

  constructor(startMs = 0) {
    this.current = startMs
  }

  now(): number {
    return this.current
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0
    const timer: ManualTimer = { at: this.current + delay, seq: this.seq++, callback }
    let i = this.timers.length
    while (i > 0 && this.timers[i - 1].at > timer.at) i--
    this.timers.splice(i, 0, timer)
    return timer
  }

  clearTimeout(handle: TimerHandle): void {
    const i = this.timers.indexOf(handle as ManualTimer)
    if (i >= 0) this.timers.splice(i, 1)
  }

  /** Timers set and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.length
  }

  /** When the earliest pending timer is due, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.timers[0]?.at
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, synchronously. */
  advance(ms: number): void {
    const target = this.current + ms
    for (let timer = this.dueBy(target); timer; timer = this.dueBy(target)) this.fire(timer)
    this.current = target
  }

  /** Like `advance`, but lets promise jobs settle before the first timer, after each one and at the end. */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.current + ms
    await settle()
    for (let timer = this.dueBy(target); timer; timer = this.dueBy(target)) {
      this.fire(timer)
      await settle()
    }
    this.current = target
    await settle()
  }

  /**
   * Fires timers one after another, settling in between, until none is left
   * (or `maxTimers` fired, a guard against code that re-arms forever).
   * Returns how many fired.
   */
  async runAllAsync(maxTimers = 10_000): Promise<number> {
    let fired = 0
    await settle()
    while (this.timers.length > 0) {
      if (fired >= maxTimers)
        throw new Error(`ManualClock: still ${this.timers.length} timers after ${fired}`)
      this.fire(this.timers[0])
      fired++
      await settle()
    }
    return fired
  }

  private dueBy(target: number): ManualTimer | undefined {
    const first = this.timers[0]
    return first !== undefined && first.at <= target ? first : undefined
  }

  private fire(timer: ManualTimer): void {
    this.timers.shift()
    if (timer.at > this.current) this.current = timer.at
    timer.callback()
  }
}
