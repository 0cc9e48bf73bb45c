import { BrokerConfigError } from '../config-error.js'

/**
 * Connection and authentication limits of a broker listener, with Kafka's
 * names for the same ideas. Every one is bounded by default; none needs
 * setting for development (1,000 idle clients and 100 producers from one
 * address fit with room to spare).
 */
export interface ConnectionLimitOptions {
  /** Open connections a listener accepts in all (`max.connections`); more are closed at once. Default 10000. */
  maxConnections?: number
  /** Open connections from one remote address (`max.connections.per.ip`). Default 2000. */
  maxConnectionsPerIp?: number
  /**
   * Close a connection with no request in flight that received nothing and
   * was sent nothing for this long (`connections.max.idle.ms`); a parked
   * long-poll fetch is not idle. Default 10 minutes; 0 never.
   */
  connectionsMaxIdleMs?: number
  /**
   * Close a connection that started sending a request (or a TLS handshake)
   * and did not finish it within this time, so slow senders cannot hold
   * buffers and sockets. The clock stops while the broker itself is not
   * reading. Default 30000 ms; 0 never.
   */
  requestReceiveTimeoutMs?: number
  /** Largest frame accepted before a connection has authenticated (`sasl.server.max.receive.size`). Default 524288. */
  saslMaxReceiveBytes?: number
  /**
   * How long the answer to a failed login waits before it is sent and the
   * connection closed (`connection.failed.authentication.delay.ms`), to slow
   * password guessing. Default 100 ms; must be below connectionsMaxIdleMs.
   */
  failedAuthenticationDelayMs?: number
  /**
   * Failed logins from one remote address within `failedAuthenticationWindowMs`
   * after which that address's new connections are refused until the window
   * ends. Default 20; 0 turns the lockout off.
   */
  maxFailedAuthenticationsPerIp?: number
  /** The window failed logins are counted in, from the first failure. Default 60000 ms. */
  failedAuthenticationWindowMs?: number
}

export type ResolvedConnectionLimits = Required<ConnectionLimitOptions>

export const CONNECTION_LIMIT_DEFAULTS: ResolvedConnectionLimits = {
  maxConnections: 10_000,
  maxConnectionsPerIp: 2_000,
  connectionsMaxIdleMs: 600_000,
  requestReceiveTimeoutMs: 30_000,
  saslMaxReceiveBytes: 524_288,
  failedAuthenticationDelayMs: 100,
  maxFailedAuthenticationsPerIp: 20,
  failedAuthenticationWindowMs: 60_000,
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1

function integer(key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new BrokerConfigError(key, `must be an integer, got ${String(value)}`)
  if (value < min || value > max)
    throw new BrokerConfigError(key, `must be between ${min} and ${max}, got ${value}`)
  return value
}

/** Checks the limits and fills in defaults; a bad value fails with the option's name. */
export function resolveConnectionLimits(options: ConnectionLimitOptions): ResolvedConnectionLimits {
  const d = CONNECTION_LIMIT_DEFAULTS
  const maxConnections = integer('maxConnections', options.maxConnections ?? d.maxConnections, 1, 1_000_000)
  const connectionsMaxIdleMs = integer(
    'connectionsMaxIdleMs',
    options.connectionsMaxIdleMs ?? d.connectionsMaxIdleMs,
    0,
    MAX_TIMEOUT_MS,
  )
  const failedAuthenticationDelayMs = integer(
    'failedAuthenticationDelayMs',
    options.failedAuthenticationDelayMs ?? d.failedAuthenticationDelayMs,
    0,
    MAX_TIMEOUT_MS,
  )
  // Kafka's rule: a delayed close must happen before the idle reaper would close the connection anyway
  if (connectionsMaxIdleMs > 0 && failedAuthenticationDelayMs >= connectionsMaxIdleMs) {
    throw new BrokerConfigError(
      'failedAuthenticationDelayMs',
      `must be below connectionsMaxIdleMs (${connectionsMaxIdleMs}), got ${failedAuthenticationDelayMs}`,
    )
  }
  return {
    maxConnections,
    maxConnectionsPerIp: integer(
      'maxConnectionsPerIp',
      options.maxConnectionsPerIp ?? Math.min(d.maxConnectionsPerIp, maxConnections),
      1,
      maxConnections,
    ),
    connectionsMaxIdleMs,
    requestReceiveTimeoutMs: integer(
      'requestReceiveTimeoutMs',
      options.requestReceiveTimeoutMs ?? d.requestReceiveTimeoutMs,
      0,
      MAX_TIMEOUT_MS,
    ),
    saslMaxReceiveBytes: integer(
      'saslMaxReceiveBytes',
      options.saslMaxReceiveBytes ?? d.saslMaxReceiveBytes,
      1024,
      2 ** 31 - 1,
    ),
    failedAuthenticationDelayMs,
    maxFailedAuthenticationsPerIp: integer(
      'maxFailedAuthenticationsPerIp',
      options.maxFailedAuthenticationsPerIp ?? d.maxFailedAuthenticationsPerIp,
      0,
      1_000_000,
    ),
    failedAuthenticationWindowMs: integer(
      'failedAuthenticationWindowMs',
      options.failedAuthenticationWindowMs ?? d.failedAuthenticationWindowMs,
      1,
      MAX_TIMEOUT_MS,
    ),
  }
}
