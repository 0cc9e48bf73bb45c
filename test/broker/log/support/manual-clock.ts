import type { Clock } from '../../../../src/broker/clock.js'

/** A clock that moves only when told, with timers fired by `advance`. */
export class ManualClock implements Clock {
  private timers = new Map<number, { at: number; fn: () => void }>()
  private nextId = 1

  constructor(private time = 1_000_000) {}

  now(): number {
    return this.time
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++
    this.timers.set(id, { at: this.time + ms, fn })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number)
  }

  get pendingTimers(): number {
    return this.timers.size
  }

  /** Moves time forward, firing the timers that come due (in order). */
  advance(ms: number): void {
    const until = this.time + ms
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      this.timers.delete(due[0])
      this.time = due[1].at
      due[1].fn()
    }
    this.time = until
  }
}
