import { type Clock, systemClock, type TimerHandle } from '../../flow/clock.js'

interface Waiter {
  readonly bytes: number
  readonly resolve: () => void
  readonly reject: (error: Error) => void
  timer: TimerHandle | undefined
}

/**
 * The producer's memory budget (`bufferBytes`, Java's `buffer.memory`):
 * bytes reserved for batch buffers, never more than the total. A reservation
 * that does not fit waits in line (first come, first served, so a large
 * record is not starved by small ones) until enough is released, or fails
 * after its timeout.
 */
export class BufferBudget {
  private used = 0
  private readonly waiters: Waiter[] = []
  private waitedMs = 0
  private readonly clock: Clock

  constructor(
    readonly total: number,
    clock?: Clock,
  ) {
    this.clock = clock ?? systemClock
  }

  get usedBytes(): number {
    return this.used
  }

  get availableBytes(): number {
    return this.total - this.used
  }

  /** Reservations waiting for room. */
  get waiting(): number {
    return this.waiters.length
  }

  /** Milliseconds reservations have spent waiting, in all. */
  get totalWaitMs(): number {
    return this.waitedMs
  }

  /** Takes `bytes` now if they fit and nobody is waiting ahead; returns whether it did. */
  tryReserve(bytes: number): boolean {
    if (this.waiters.length > 0 || this.used + bytes > this.total) return false
    this.used += bytes
    return true
  }

  /**
   * Waits until `bytes` fit (behind earlier waiters), then takes them.
   * Rejects with `timedOut()` after `timeoutMs`.
   */
  reserve(bytes: number, timeoutMs: number, timedOut: () => Error): Promise<void> {
    if (this.tryReserve(bytes)) return Promise.resolve()
    const since = this.clock.now()
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        resolve: () => {
          this.waitedMs += this.clock.now() - since
          resolve()
        },
        reject: (error) => {
          this.waitedMs += this.clock.now() - since
          reject(error)
        },
        timer: undefined,
      }
      waiter.timer = this.clock.setTimeout(() => {
        const at = this.waiters.indexOf(waiter)
        if (at >= 0) this.waiters.splice(at, 1)
        waiter.reject(timedOut())
        this.grant()
      }, timeoutMs)
      this.waiters.push(waiter)
    })
  }

  /** Gives bytes back; waiters that now fit are granted in order. */
  release(bytes: number): void {
    this.used -= bytes
    if (this.used < 0) throw new Error(`buffer budget released ${-this.used} bytes more than it reserved`)
    this.grant()
  }

  /** Fails every waiter (the producer is closing). */
  rejectAll(error: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      this.clock.clearTimeout(waiter.timer)
      waiter.reject(error)
    }
  }

  private grant(): void {
    while (this.waiters.length > 0 && this.used + this.waiters[0].bytes <= this.total) {
      const waiter = this.waiters.shift()!
      this.clock.clearTimeout(waiter.timer)
      this.used += waiter.bytes
      waiter.resolve()
    }
  }
}
