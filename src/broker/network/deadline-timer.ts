import type { Clock } from '../clock.js'

/**
 * One timer for deadlines that mostly move later (idle since the last byte,
 * a partial request since its first byte). `armBy` re-arms only when the new
 * deadline is earlier than the armed one, so busy connections do not reset a
 * timer per chunk; when the timer fires, the owner re-checks and arms again.
 */
export class DeadlineTimer {
  private handle: unknown
  private at = Number.POSITIVE_INFINITY

  constructor(
    private readonly clock: Clock,
    private readonly onFire: () => void,
  ) {}

  /** Makes sure `onFire` runs no later than `at` (it may run earlier; it must re-check). */
  armBy(at: number): void {
    if (this.handle !== undefined && this.at <= at) return
    this.cancel()
    this.at = at
    this.handle = this.clock.setTimeout(
      () => {
        this.handle = undefined
        this.at = Number.POSITIVE_INFINITY
        this.onFire()
      },
      Math.max(0, at - this.clock.now()),
    )
  }

  cancel(): void {
    if (this.handle === undefined) return
    this.clock.clearTimeout(this.handle)
    this.handle = undefined
    this.at = Number.POSITIVE_INFINITY
  }
}
