/**
 * Waits that end within microseconds of their deadline, for simulated work.
 * setTimeout has millisecond resolution and fires after the poll phase, so
 * setTimeout(2.4) lasts anything from 2 to 3+ ms and setTimeout(0.3) a full
 * millisecond: with delays of 0-5 ms its error alone would be ~20% of the
 * work, charged to the consumer under test. Here one poller sleeps on a
 * real timer until a few milliseconds before the earliest deadline, then
 * turns on setImmediate (which lets I/O in between) until it passes.
 * Deadlines differ in length, so they are kept in a binary heap.
 */
export class PreciseWaits {
  private readonly at: number[] = []
  private readonly resolvers: ((releasedAt: number) => void)[] = []
  private polling = false

  /** Resolves with the moment it was released, so the work's real length can be charged. */
  wait(ms: number): Promise<number> {
    return new Promise((resolve) => {
      this.push(performance.now() + ms, resolve)
      if (!this.polling) {
        this.polling = true
        this.schedule()
      }
    })
  }

  private readonly poll = (): void => {
    const now = performance.now()
    while (this.at.length > 0 && this.at[0] <= now) this.pop()(now)
    this.schedule()
  }

  private schedule(): void {
    if (this.at.length === 0) {
      this.polling = false
      return
    }
    const remaining = this.at[0] - performance.now()
    // a timer can fire a couple of milliseconds late: trust it only well before the deadline
    if (remaining > 4) setTimeout(this.poll, Math.floor(remaining - 3))
    else setImmediate(this.poll)
  }

  private push(at: number, resolve: (releasedAt: number) => void): void {
    let i = this.at.length
    this.at.push(at)
    this.resolvers.push(resolve)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (this.at[parent] <= at) break
      this.swap(i, parent)
      i = parent
    }
  }

  private pop(): (releasedAt: number) => void {
    const top = this.resolvers[0]
    const lastAt = this.at.pop()!
    const lastResolve = this.resolvers.pop()!
    if (this.at.length > 0) {
      this.at[0] = lastAt
      this.resolvers[0] = lastResolve
      let i = 0
      for (;;) {
        const left = 2 * i + 1
        const right = left + 1
        let smallest = i
        if (left < this.at.length && this.at[left] < this.at[smallest]) smallest = left
        if (right < this.at.length && this.at[right] < this.at[smallest]) smallest = right
        if (smallest === i) break
        this.swap(i, smallest)
        i = smallest
      }
    }
    return top
  }

  private swap(a: number, b: number): void {
    ;[this.at[a], this.at[b]] = [this.at[b], this.at[a]]
    ;[this.resolvers[a], this.resolvers[b]] = [this.resolvers[b], this.resolvers[a]]
  }
}
