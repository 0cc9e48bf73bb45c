import { ConcurrencyLimiter } from '../../src/flow/index.js'

/**
 * What is often written by hand for key-ordered work: chain each key's tasks
 * on a promise, and take a slot of a shared limiter only once the key's
 * previous task is done. Correct, but unbounded (no backpressure on submit)
 * and a promise chain per key; a point of comparison for KeyedExecutor.
 */
export class NaiveKeyedChains {
  private readonly tails = new Map<unknown, Promise<unknown>>()
  private readonly limiter: ConcurrencyLimiter
  private pending = new Set<Promise<unknown>>()

  constructor(concurrency: number) {
    this.limiter = new ConcurrencyLimiter({ limit: concurrency })
  }

  submit(key: unknown, task: () => unknown): void {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const next = previous.then(() => this.limiter.run(task))
    this.tails.set(key, next)
    this.pending.add(next)
    next.then(() => {
      this.pending.delete(next)
      if (this.tails.get(key) === next) this.tails.delete(key)
    })
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending)
  }
}
