import { type Clock, sleep, systemClock, type TimerHandle } from '../../flow/clock.js'
import { backoffDelay } from '../../flow/retry.js'
import { ClientClosedError } from '../errors.js'
import type { Logger } from '../logger.js'
import { type BrokerAddress, formatAddress } from './broker-address.js'
import type { BrokerConnection } from './broker-connection.js'
import { type OpenConnectionOptions, openConnection } from './open-connection.js'

/**
 * Which connection to a broker a request travels on. Kafka answers one
 * request of a connection at a time, so a long-poll fetch would hold up a
 * heartbeat queued behind it: group traffic and fetches get connections of
 * their own (the Java consumer keeps a separate coordinator connection too).
 */
export type ConnectionLane = 'default' | 'coordinator' | 'fetch'

export interface ConnectionPoolOptions extends OpenConnectionOptions {
  /** First wait before reconnecting to a broker that failed (`reconnect.backoff.ms`). */
  readonly reconnectBackoffMs: number
  /** Longest wait between reconnects (`reconnect.backoff.max.ms`). */
  readonly reconnectBackoffMaxMs: number
  /** Connections with nothing in flight for this long are closed (`connections.max.idle.ms`); 0 keeps them. */
  readonly connectionsMaxIdleMs: number
  readonly logger: Logger
  readonly random?: () => number
  /** Told when a connection that was open closes for any reason but the pool's own closing. */
  readonly onDisconnect?: (address: string, reason: Error) => void
}

interface Entry {
  connection: BrokerConnection | undefined
  opening: Promise<BrokerConnection> | undefined
  /** When to stop using the connection: before its SASL session ends. */
  retireAt: number
}

interface Failures {
  count: number
  nextAttemptAt: number
}

/** Re-login this long before the broker's SASL session would end (KIP-368), at least. */
const SESSION_MARGIN = 0.1

/**
 * The client's connections, at most one per broker and lane, opened on first
 * use and shared by every request to that broker. A broker that fails to
 * connect is retried after an exponential backoff with jitter, so many
 * clients that lost a broker together do not all dial it at once; idle
 * connections are closed; `close()` leaves no socket and no timer.
 */
export class ConnectionPool {
  private readonly entries = new Map<string, Entry>()
  private readonly failures = new Map<string, Failures>()
  private readonly clock: Clock
  private readonly closing = new AbortController()
  private sweepTimer: TimerHandle | undefined

  constructor(private readonly options: ConnectionPoolOptions) {
    this.clock = options.clock ?? systemClock
  }

  get closed(): boolean {
    return this.closing.signal.aborted
  }

  /** The open connection to `address` on `lane`, opening (and logging in) one when there is none. */
  get(address: BrokerAddress, lane: ConnectionLane = 'default'): Promise<BrokerConnection> {
    if (this.closed) return Promise.reject(new ClientClosedError())
    const key = `${formatAddress(address)}|${lane}`
    let entry = this.entries.get(key)
    if (entry?.connection && !entry.connection.isOpen) entry = undefined
    if (entry?.connection && this.clock.now() >= entry.retireAt) {
      this.retire(key, entry.connection)
      entry = undefined
    }
    if (entry?.connection) return Promise.resolve(entry.connection)
    if (entry?.opening) return entry.opening
    const fresh: Entry = { connection: undefined, opening: undefined, retireAt: Number.POSITIVE_INFINITY }
    fresh.opening = this.open(address, key, fresh)
    this.entries.set(key, fresh)
    return fresh.opening
  }

  /** Open connections, for picking the least loaded broker. */
  openConnections(): BrokerConnection[] {
    const out: BrokerConnection[] = []
    for (const entry of this.entries.values()) if (entry.connection?.isOpen) out.push(entry.connection)
    return out
  }

  /** Whether a connection to `address` failed lately and is waiting out its backoff. */
  inBackoff(address: BrokerAddress): boolean {
    const f = this.failures.get(formatAddress(address))
    return f !== undefined && f.nextAttemptAt > this.clock.now()
  }

  /** Closes every connection (in-flight requests get `graceMs` to finish) and stops dialing. */
  async close(graceMs = 0): Promise<void> {
    if (!this.closed) this.closing.abort(new ClientClosedError())
    this.stopSweep()
    const entries = [...this.entries.values()]
    this.entries.clear()
    await Promise.allSettled(
      entries.map(async (entry) => {
        const connection = entry.connection ?? (await entry.opening?.catch(() => undefined))
        await connection?.close(graceMs)
      }),
    )
  }

  private async open(address: BrokerAddress, key: string, entry: Entry): Promise<BrokerConnection> {
    const label = formatAddress(address)
    try {
      const wait = (this.failures.get(label)?.nextAttemptAt ?? 0) - this.clock.now()
      if (wait > 0) await sleep(wait, { clock: this.clock, signal: this.closing.signal })
      const { connection, sessionExpiresAt } = await openConnection(
        address,
        this.options,
        this.closing.signal,
      )
      if (this.closed) {
        connection.destroy(new ClientClosedError())
        throw new ClientClosedError()
      }
      this.failures.delete(label)
      entry.connection = connection
      entry.opening = undefined
      if (Number.isFinite(sessionExpiresAt)) {
        const now = this.clock.now()
        entry.retireAt = sessionExpiresAt - (sessionExpiresAt - now) * SESSION_MARGIN
      }
      connection.onClose((reason) => {
        if (this.entries.get(key)?.connection === connection) this.entries.delete(key)
        if (reason instanceof ClientClosedError) return
        this.options.logger.debug(`${label}: ${reason.message}`)
        this.options.onDisconnect?.(label, reason)
      })
      this.ensureSweep()
      return connection
    } catch (error) {
      if (this.entries.get(key) === entry) this.entries.delete(key)
      if (this.closed) throw new ClientClosedError()
      const count = (this.failures.get(label)?.count ?? 0) + 1
      const delay = backoffDelay(
        count,
        {
          initialMs: this.options.reconnectBackoffMs,
          maxMs: this.options.reconnectBackoffMaxMs,
          jitter: 'equal',
        },
        this.options.random,
      )
      this.failures.set(label, { count, nextAttemptAt: this.clock.now() + delay })
      throw error
    }
  }

  /** Takes a connection out of use and closes it once what it carries is answered. */
  private retire(key: string, connection: BrokerConnection): void {
    this.entries.delete(key)
    void connection.close(this.options.requestTimeoutMs)
  }

  private ensureSweep(): void {
    const idleMs = this.options.connectionsMaxIdleMs
    if (idleMs <= 0 || this.sweepTimer !== undefined || this.closed) return
    const every = Math.max(10, Math.min(idleMs / 2, 30_000))
    const tick = () => {
      this.sweepTimer = undefined
      this.sweepIdle(idleMs)
      if (this.entries.size > 0) this.ensureSweep()
    }
    this.sweepTimer = this.clock.setTimeout(tick, every)
    // an idle-connection sweep must never keep a process alive on its own
    ;(this.sweepTimer as { unref?: () => void })?.unref?.()
  }

  private stopSweep(): void {
    if (this.sweepTimer === undefined) return
    this.clock.clearTimeout(this.sweepTimer)
    this.sweepTimer = undefined
  }

  private sweepIdle(idleMs: number): void {
    const now = this.clock.now()
    for (const [key, entry] of this.entries) {
      const c = entry.connection
      if (!c || c.inFlightCount + c.queuedCount > 0) continue
      if (now - c.lastActivityAt < idleMs) continue
      this.entries.delete(key)
      this.options.logger.debug(
        `${c.address}: closing connection idle for ${Math.round(now - c.lastActivityAt)} ms`,
      )
      void c.close()
    }
  }
}
