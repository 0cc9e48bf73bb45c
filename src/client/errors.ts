/**
 * Errors the client raises itself, beside the broker's error codes (which
 * arrive as `KafkaError` from the protocol layer). Every one carries a
 * `retriable` flag with the same meaning as KafkaError's: whether trying the
 * same thing again can succeed. The retry policy reads nothing else.
 */

/** A client option is missing, of the wrong type or out of range; raised by constructors. */
export class ClientConfigError extends Error {
  override readonly name = 'ClientConfigError'
  readonly retriable = false

  constructor(
    /** The option's path, e.g. `sasl.mechanism` or `brokers[1]`. */
    readonly key: string,
    /** What is wrong with it. */
    readonly reason: string,
  ) {
    super(`invalid client option ${key}: ${reason}`)
  }
}

/** A connection could not be opened, or closed before a request was answered. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError'
  readonly retriable = true

  constructor(
    message: string,
    /** `host:port` of the broker. */
    readonly address: string,
    options?: { cause?: unknown },
  ) {
    super(`${address}: ${message}`, options)
  }
}

/** No bootstrap broker answered within the connection timeout; `attempts` says what each one did. */
export class BootstrapError extends Error {
  override readonly name = 'BootstrapError'
  readonly retriable = true

  constructor(
    readonly attempts: readonly { readonly address: string; readonly error: Error }[],
    timeoutMs: number,
  ) {
    const tried = attempts.map((a) => `${a.address} (${a.error.message})`).join('; ')
    super(`no bootstrap broker reachable within ${timeoutMs} ms: ${tried}`)
  }
}

/** A request went unanswered for its timeout; the connection it was on is closed, as the Java client does. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError'
  readonly retriable = true

  constructor(
    readonly api: string,
    readonly address: string,
    readonly timeoutMs: number,
  ) {
    super(`${address}: ${api} request not answered within ${timeoutMs} ms`)
  }
}

/** Client and broker share no version of an API (Kafka 4 removed old ones, older brokers lack new ones). */
export class UnsupportedVersionError extends Error {
  override readonly name = 'UnsupportedVersionError'
  readonly retriable = false

  constructor(
    readonly api: string,
    readonly address: string,
    readonly clientRange: { readonly min: number; readonly max: number },
    readonly brokerRange: { readonly min: number; readonly max: number } | undefined,
  ) {
    const broker = brokerRange ? `v${brokerRange.min}-${brokerRange.max}` : 'none'
    super(
      `${address} serves ${api} ${broker}, this client speaks v${clientRange.min}-${clientRange.max}: no version in common`,
    )
  }
}

/**
 * SASL login failed: wrong credentials, a mechanism the broker has not
 * enabled, or a server that could not prove it knows the password. Not
 * retriable: the same credentials fail the same way, so nothing loops.
 */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError'
  readonly retriable = false

  constructor(
    message: string,
    readonly address: string,
  ) {
    super(`${address}: ${message}`)
  }
}

/** The client (admin, producer, consumer) was closed; the operation did not run or was cut short. */
export class ClientClosedError extends Error {
  override readonly name = 'ClientClosedError'
  readonly retriable = false

  constructor(what = 'client') {
    super(`${what} is closed`)
  }
}

/**
 * An operation ran out of its time (`timeoutMs`, `defaultApiTimeoutMs`) while
 * retrying, or would have before its next attempt (the backoff left no room);
 * `cause` is the last failure.
 */
export class OperationTimeoutError extends Error {
  override readonly name = 'OperationTimeoutError'
  readonly retriable = true

  constructor(operation: string, timeoutMs: number, options?: { cause?: unknown }) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : ''
    super(`${operation} could not complete within ${timeoutMs} ms${cause}`, options)
  }
}

/** An argument to a client call is not usable (an empty topic name, a negative partition); nothing was sent. */
export class InvalidArgumentError extends Error {
  override readonly name = 'InvalidArgumentError'
  readonly retriable = false

  constructor(
    /** The argument's path, e.g. `topics[2].partitions`. */
    readonly argument: string,
    reason: string,
  ) {
    super(`${argument}: ${reason}`)
  }
}
