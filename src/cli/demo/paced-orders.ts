import type { ProducerRecord } from '../../client/index.js'
import type { OrderGenerator } from './order-generator.js'

const TICK_MS = 10

/**
 * The producer's source: orders at `rate` per second, a rate the keys can
 * change while it runs (the producer's own `rate` option is fixed at
 * construction). It is read by `sendAll`, which stops reading while the
 * producer's buffer is full; time lost that way is not made up in a burst
 * afterwards (at most a tenth of a second's worth is saved up), so a
 * backpressured producer shows as a produce rate below the target.
 */
export class PacedOrders implements AsyncIterable<ProducerRecord> {
  private stopped = false
  private wake: (() => void) | undefined

  constructor(
    private readonly orders: OrderGenerator,
    /** Records per second wanted; may be changed at any time. */
    public rate: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records handed to the producer so far. */
  get produced(): number {
    return this.orders.count
  }

  /** Ends the source: the iteration finishes at its next step. */
  stop(): void {
    this.stopped = true
    this.wake?.()
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ProducerRecord> {
    let tokens = 0
    let last = this.now()
    while (!this.stopped) {
      const now = this.now()
      tokens = Math.min(tokens + ((now - last) * this.rate) / 1000, Math.max(1, this.rate / 10))
      last = now
      while (tokens >= 1 && !this.stopped) {
        tokens--
        const { key, value } = this.orders.next(this.now())
        yield { key, value }
      }
      if (!this.stopped) await this.sleep()
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, TICK_MS)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wake = done
    })
  }
}
