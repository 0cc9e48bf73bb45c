import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'

/**
 * At most one line per interval for events a client can repeat at will
 * (refused connections, failed TLS handshakes): a flood of them must not
 * become a flood of log lines. A line that follows suppressed ones says how
 * many there were.
 */
export class RateLimitedLog {
  private suppressed = 0
  private lastAt = Number.NEGATIVE_INFINITY

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly level: 'info' | 'warn',
    private readonly intervalMs = 10_000,
  ) {}

  log(message: string): void {
    const now = this.clock.now()
    if (now - this.lastAt < this.intervalMs) {
      this.suppressed++
      return
    }
    const more = this.suppressed > 0 ? ` (and ${this.suppressed} more like it since the last such line)` : ''
    this.logger[this.level](`${message}${more}`)
    this.lastAt = now
    this.suppressed = 0
  }
}
