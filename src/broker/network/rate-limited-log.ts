import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'

/**
 * At most `burst` lines per interval for events a client can repeat at will
 * (refused connections, failed TLS handshakes, connections closed for bad
 * input): a flood of them must not become a flood of log lines. A line that
 * follows suppressed ones says how many there were.
 */
export class RateLimitedLog {
  private suppressed = 0
  private windowStart = Number.NEGATIVE_INFINITY
  private inWindow = 0

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly level: 'info' | 'warn',
    private readonly intervalMs = 10_000,
    private readonly burst = 1,
  ) {}

  log(message: string): void {
    const now = this.clock.now()
    if (now - this.windowStart >= this.intervalMs) {
      this.windowStart = now
      this.inWindow = 0
    }
    if (this.inWindow >= this.burst) {
      this.suppressed++
      return
    }
    this.inWindow++
    const more = this.suppressed > 0 ? ` (and ${this.suppressed} more like it since the last such line)` : ''
    this.logger[this.level](`${message}${more}`)
    this.suppressed = 0
  }
}
