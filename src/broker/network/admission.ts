import type { Socket } from 'node:net'
import type { Clock } from '../clock.js'
import type { Logger } from '../logger.js'
import type { ResolvedConnectionLimits } from './limits.js'
import { RateLimitedLog } from './rate-limited-log.js'

export type AdmissionLimits = Pick<
  ResolvedConnectionLimits,
  'maxConnections' | 'maxConnectionsPerIp' | 'maxFailedAuthenticationsPerIp' | 'failedAuthenticationWindowMs'
>

/** Addresses whose failed logins are remembered; beyond it the oldest are forgotten first. */
const MAX_TRACKED_ADDRESSES = 10_000

interface FailureWindow {
  since: number
  count: number
}

/**
 * Decides, the moment a TCP connection is accepted (before any TLS
 * handshake), whether the listener keeps it: the total and per-address
 * connection limits, and the lockout of an address that failed to log in
 * too often within the window. A refused socket is destroyed at once.
 */
export class ConnectionAdmission {
  private total = 0
  private readonly perAddress = new Map<string, number>()
  private readonly failures = new Map<string, FailureWindow>()
  private readonly refusals: RateLimitedLog

  constructor(
    private readonly limits: AdmissionLimits,
    logger: Logger,
    private readonly clock: Clock,
  ) {
    this.refusals = new RateLimitedLog(logger, clock, 'warn')
  }

  /** Connections admitted and not yet closed. */
  get openConnections(): number {
    return this.total
  }

  /** Counts a socket just accepted, or destroys it; true when it may be served. */
  admit(socket: Socket): boolean {
    const address = socket.remoteAddress
    // a socket reset before we saw it has no address left; nothing to serve
    if (address === undefined) {
      socket.destroy()
      return false
    }
    const refusal = this.refusal(address)
    if (refusal !== null) {
      this.refusals.log(`refused connection from ${address}: ${refusal}`)
      socket.destroy()
      return false
    }
    this.total++
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1)
    socket.once('close', () => this.release(address))
    return true
  }

  /** Counts a failed login from `address` towards its lockout. */
  recordAuthenticationFailure(address: string): void {
    if (this.limits.maxFailedAuthenticationsPerIp === 0) return
    const now = this.clock.now()
    let window = this.failures.get(address)
    if (window === undefined || now - window.since >= this.limits.failedAuthenticationWindowMs) {
      this.failures.delete(address)
      this.makeRoom(now)
      window = { since: now, count: 0 }
      this.failures.set(address, window)
    }
    window.count++
  }

  private refusal(address: string): string | null {
    if (this.total >= this.limits.maxConnections) {
      return `${this.total} connections open, maxConnections is ${this.limits.maxConnections}`
    }
    const fromAddress = this.perAddress.get(address) ?? 0
    if (fromAddress >= this.limits.maxConnectionsPerIp) {
      return `${fromAddress} connections from this address, maxConnectionsPerIp is ${this.limits.maxConnectionsPerIp}`
    }
    const window = this.failures.get(address)
    if (window !== undefined && window.count >= this.limits.maxFailedAuthenticationsPerIp) {
      const left = window.since + this.limits.failedAuthenticationWindowMs - this.clock.now()
      if (left > 0) return `${window.count} failed logins, refused for ${left} ms more`
      this.failures.delete(address)
    }
    return null
  }

  private release(address: string): void {
    this.total--
    const left = (this.perAddress.get(address) ?? 1) - 1
    if (left <= 0) this.perAddress.delete(address)
    else this.perAddress.set(address, left)
  }

  /**
   * Windows are kept in the order they opened, so the front holds the oldest:
   * expired ones go from there, and when every window is live the oldest goes
   * anyway. Constant work per failure, memory bounded under a spray of addresses.
   */
  private makeRoom(now: number): void {
    for (const [address, window] of this.failures) {
      const expired = now - window.since >= this.limits.failedAuthenticationWindowMs
      if (!expired && this.failures.size < MAX_TRACKED_ADDRESSES) break
      this.failures.delete(address)
    }
  }
}
