/**
 * The knobs the keys turn while the demo runs (and the flags set at its
 * start). The producer's source and the handler read them on every record,
 * so a change takes effect at once.
 */
export class DemoControls {
  /** Failures switched on by hand (key x). */
  manualFailing = false
  /**
   * The run is stopping: the handler runs without its delay and without
   * failures, so that the backlog the slow handler built up is finished in
   * seconds rather than at the pace that built it.
   */
  draining = false

  constructor(
    /** Target records per second. */
    public rate: number,
    /** Milliseconds one record takes the handler. */
    public handlerMs: number,
    private readonly startedAt: number,
    /** The scripted failure window, in seconds of the run (--fail-at, --fail-for). */
    private readonly failWindow: { from: number; until: number } | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the handler fails now. */
  failing(): boolean {
    if (this.draining) return false
    if (this.manualFailing) return true
    if (!this.failWindow) return false
    const elapsed = (this.now() - this.startedAt) / 1000
    return elapsed >= this.failWindow.from && elapsed < this.failWindow.until
  }

  /** What the handler waits per record now. */
  delayMs(): number {
    return this.draining ? 0 : this.handlerMs
  }

  faster(): void {
    this.rate = Math.min(1_000_000, Math.round(this.rate * 1.5))
  }

  slower(): void {
    this.rate = Math.max(1, Math.round(this.rate / 1.5))
  }

  /** The handler takes longer: the consumer falls further behind. */
  slowerHandler(): void {
    this.handlerMs = this.handlerMs === 0 ? 1 : Math.min(60_000, Math.round(this.handlerMs * 1.5))
  }

  fasterHandler(): void {
    this.handlerMs = this.handlerMs <= 1 ? 0 : Math.round(this.handlerMs / 1.5)
  }
}
