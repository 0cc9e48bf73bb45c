import { RingBuffer } from '../../src/flow/ring-buffer.js'

/**
 * Simulated work for the KeyedExecutor benchmark: a delay that ends within a
 * few microseconds of its deadline. A plain setTimeout(2) fires anywhere from
 * 2 to 3+ ms later (libuv timers have millisecond resolution and fire after
 * the poll phase), which would swamp the executor overhead being measured.
 * Here one poller sleeps on a real timer until a few milliseconds before the
 * earliest deadline and then spins on setImmediate until it is reached, so
 * every task's "work" lasts what it says. Deadlines are kept in a FIFO:
 * every delay in the benchmark has the same length, so they come due in the
 * order they were started.
 */
export class PreciseDelays {
  private readonly due = new RingBuffer<{ at: number; resolve: (releasedAt: number) => void }>(1024)
  private polling = false
  private lastDeadline = Number.NEGATIVE_INFINITY

  /**
   * Resolves with the moment the poller released it: how long the work
   * lasted, apart from the time its continuation then waits to run.
   */
  wait(ms: number): Promise<number> {
    return new Promise((resolve) => {
      const at = performance.now() + ms
      // equal delays started later are due later; check, since the poller relies on it
      if (at < this.lastDeadline) throw new Error('PreciseDelays needs deadlines in start order')
      this.lastDeadline = at
      this.due.push({ at, resolve })
      if (!this.polling) {
        this.polling = true
        this.schedule()
      }
    })
  }

  private readonly poll = (): void => {
    const now = performance.now()
    for (let head = this.due.peek(); head !== undefined && head.at <= now; head = this.due.peek()) {
      this.due.shift()
      head.resolve(now)
    }
    this.schedule()
  }

  private schedule(): void {
    const head = this.due.peek()
    if (head === undefined) {
      this.polling = false
      return
    }
    const remaining = head.at - performance.now()
    // a timer can fire up to a couple of milliseconds late; only trust one to
    // cover the part of the wait that ends well before the deadline
    if (remaining > 4) setTimeout(this.poll, Math.floor(remaining - 3))
    else setImmediate(this.poll)
  }
}
