/** What a test sees of one injected fault. */
export interface FaultHandle {
  /**
   * How many times the fault has acted: requests failed, responses delayed,
   * connections closed, or (for a held node) requests left unanswered.
   */
  readonly fired: number
  /** How many more times it will act: Infinity until cancelled, 0 once used up or cancelled. */
  readonly remaining: number
  readonly active: boolean
  /**
   * Removes the fault; what it already did stays done, except that responses
   * a delay still holds are sent now. Cancelling a hold releases the node.
   */
  cancel(): void
  /** Resolves once the fault has fired `count` times (default 1), at once if it already has. */
  whenFired(count?: number): Promise<void>
}

export type FaultKind = 'failNext' | 'delayResponses' | 'closeAfterHandling' | 'hold'

/**
 * The bookkeeping shared by every kind of fault: how many uses are left, how
 * many happened, and who waits for them. Each use is taken by the injector
 * once per request it acts on.
 */
export class Fault implements FaultHandle {
  private left: number
  private firedCount = 0
  private waiters: { count: number; resolve: () => void }[] = []

  constructor(
    readonly kind: FaultKind,
    times: number,
    private readonly hooks: {
      fired(kind: FaultKind): void
      /** `used` when the last use was taken, `cancelled` when cancel() (or clear()) removed it. */
      removed(fault: Fault, why: 'used' | 'cancelled'): void
    },
  ) {
    this.left = times
  }

  get fired(): number {
    return this.firedCount
  }

  get remaining(): number {
    return this.left
  }

  get active(): boolean {
    return this.left > 0
  }

  /** Takes one use; false when none is left. The last use removes the fault. */
  take(): boolean {
    if (this.left <= 0) return false
    this.left--
    this.firedCount++
    this.hooks.fired(this.kind)
    if (this.left === 0) this.hooks.removed(this, 'used')
    if (this.waiters.length > 0) {
      const due = this.waiters.filter((w) => w.count <= this.firedCount)
      this.waiters = this.waiters.filter((w) => w.count > this.firedCount)
      for (const w of due) w.resolve()
    }
    return true
  }

  cancel(): void {
    // even once used up: a delay may still hold responses, which cancelling sends
    this.left = 0
    this.hooks.removed(this, 'cancelled')
  }

  whenFired(count = 1): Promise<void> {
    if (!Number.isInteger(count) || count < 1) {
      return Promise.reject(
        new RangeError(`whenFired: count must be a positive integer, got ${String(count)}`),
      )
    }
    if (this.firedCount >= count) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ count, resolve }))
  }
}
