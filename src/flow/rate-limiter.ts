import { abortReason, type Clock, systemClock, type TimerHandle } from './clock.js'
import { RingBuffer } from './ring-buffer.js'

export interface RateLimiterOptions {
  /** Items per second; leave out to limit by bytes only. */
  perSecond?: number
  /** Items that may pass back to back after a quiet spell; default one second's worth (at least 1). */
  burst?: number
  /** Bytes per second; leave out to limit by items only. */
  bytesPerSecond?: number
  /** Bytes that may pass back to back; default one second's worth. */
  burstBytes?: number
  clock?: Clock
}

export interface RateLimiterStats {
  /** Acquires waiting their turn. */
  waiting: number
  acquired: number
  acquiredBytes: number
  /** Acquires that had to wait, and their total waiting time (finished waits only). */
  waits: number
  waitMs: number
}

// Token counts are fractions of a rate times a duration; without some slack
// a wait computed to the millisecond could wake a hair short of a whole token.
const EPSILON = 1e-9

/** One token bucket: `rate` per second, holding at most `capacity`. */
class TokenBucket {
  tokens: number
  private updatedAt: number

  constructor(
    readonly rate: number,
    readonly capacity: number,
    now: number,
  ) {
    // a bucket starts full: the burst is available at once
    this.tokens = capacity
    this.updatedAt = now
  }

  refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) * this.rate) / 1000)
      this.updatedAt = now
    }
  }

  /**
   * A request larger than the bucket waits for a full bucket and then takes
   * it all, leaving a debt later requests wait out: the long-run rate holds
   * and an oversized request is slow rather than stuck forever.
   */
  ready(n: number): boolean {
    return this.tokens >= Math.min(n, this.capacity) - EPSILON
  }

  /** Milliseconds until `ready(n)`, assuming a refill just happened. */
  delayFor(n: number): number {
    const deficit = Math.min(n, this.capacity) - this.tokens
    return deficit <= EPSILON ? 0 : (deficit * 1000) / this.rate
  }
}

interface Waiter {
  n: number
  bytes: number
  since: number
  resolve: () => void
  reject: (error: unknown) => void
  signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
}

const RESOLVED: Promise<void> = Promise.resolve()

function checkRate(name: string, value: number | undefined): void {
  if (value !== undefined && !(value > 0 && Number.isFinite(value))) {
    throw new RangeError(`RateLimiter ${name} must be a positive finite number, got ${value}`)
  }
}

/**
 * A token bucket by item count, by bytes, or both at once: `acquire(n, bytes)`
 * passes when both buckets hold enough. Waiters are served strictly in
 * arrival order, so a large request is not starved by a stream of small ones,
 * and only the first waiter holds a timer.
 */
export class RateLimiter {
  private readonly items: TokenBucket | null
  private readonly bytes: TokenBucket | null
  private readonly clock: Clock
  private readonly waiters = new RingBuffer<Waiter>()
  private timer: TimerHandle | undefined
  private acquiredCount = 0
  private acquiredBytes = 0
  private waitCount = 0
  private waitTotalMs = 0

  constructor(options: RateLimiterOptions) {
    const { perSecond, burst, bytesPerSecond, burstBytes } = options
    if (perSecond === undefined && bytesPerSecond === undefined) {
      throw new TypeError('RateLimiter needs perSecond, bytesPerSecond or both')
    }
    checkRate('perSecond', perSecond)
    checkRate('burst', burst)
    checkRate('bytesPerSecond', bytesPerSecond)
    checkRate('burstBytes', burstBytes)
    this.clock = options.clock ?? systemClock
    const now = this.clock.now()
    this.items =
      perSecond === undefined ? null : new TokenBucket(perSecond, burst ?? Math.max(1, perSecond), now)
    this.bytes =
      bytesPerSecond === undefined ? null : new TokenBucket(bytesPerSecond, burstBytes ?? bytesPerSecond, now)
  }

  /**
   * Waits until `n` items and `bytes` bytes may pass, then takes them.
   * Rejects with the signal's reason if it aborts first (nothing is taken).
   */
  acquire(n = 1, bytes = 0, signal?: AbortSignal): Promise<void> {
    const invalid = this.validate(n, bytes)
    if (invalid !== undefined) return Promise.reject(invalid)
    if (this.waiters.length === 0 && this.take(n, bytes)) return RESOLVED
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        n,
        bytes,
        since: this.clock.now(),
        resolve,
        reject,
        signal,
        onAbort: undefined,
      }
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const wasFirst = this.waiters.peek() === waiter
          if (!this.waiters.remove(waiter)) return
          reject(abortReason(signal))
          if (wasFirst) this.schedule()
        }
        signal.addEventListener('abort', waiter.onAbort, { once: true })
      }
      this.waiters.push(waiter)
      if (this.waiters.length === 1) this.schedule()
    })
  }

  /** Takes `n` items and `bytes` bytes if they may pass now (and nobody is waiting); never waits. */
  tryAcquire(n = 1, bytes = 0): boolean {
    const invalid = this.validate(n, bytes)
    if (invalid !== undefined) throw invalid
    return this.waiters.length === 0 && this.take(n, bytes)
  }

  stats(): RateLimiterStats {
    return {
      waiting: this.waiters.length,
      acquired: this.acquiredCount,
      acquiredBytes: this.acquiredBytes,
      waits: this.waitCount,
      waitMs: this.waitTotalMs,
    }
  }

  private validate(n: number, bytes: number): RangeError | undefined {
    if (!(n >= 0 && bytes >= 0 && Number.isFinite(n) && Number.isFinite(bytes))) {
      return new RangeError(
        `RateLimiter amounts must be non-negative numbers, got ${n} items, ${bytes} bytes`,
      )
    }
    return undefined
  }

  private take(n: number, bytes: number): boolean {
    const now = this.clock.now()
    const items = this.items
    const byteBucket = this.bytes
    items?.refill(now)
    byteBucket?.refill(now)
    if (items !== null && n > 0 && !items.ready(n)) return false
    if (byteBucket !== null && bytes > 0 && !byteBucket.ready(bytes)) return false
    if (items !== null) items.tokens -= n
    if (byteBucket !== null) byteBucket.tokens -= bytes
    this.acquiredCount += n
    this.acquiredBytes += bytes
    return true
  }

  /** Serves waiters that can go now and sets one timer for the next. */
  private schedule(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer)
      this.timer = undefined
    }
    while (this.waiters.length > 0) {
      const waiter = this.waiters.peek()!
      if (this.take(waiter.n, waiter.bytes)) {
        this.waiters.shift()
        this.waitCount++
        this.waitTotalMs += this.clock.now() - waiter.since
        if (waiter.onAbort !== undefined) waiter.signal!.removeEventListener('abort', waiter.onAbort)
        waiter.resolve()
        continue
      }
      const delay = Math.max(
        waiter.n > 0 && this.items !== null ? this.items.delayFor(waiter.n) : 0,
        waiter.bytes > 0 && this.bytes !== null ? this.bytes.delayFor(waiter.bytes) : 0,
      )
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined
        this.schedule()
      }, delay)
      return
    }
  }
}
