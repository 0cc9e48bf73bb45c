/**
 * Errors the flow primitives throw, each a class so callers can tell them
 * apart with `instanceof` (a full channel is not a closed one; an open
 * circuit is not a failed call).
 */

/** Sending on a channel after `close()`, or receiving from one that is closed and empty. */
export class ChannelClosedError extends Error {
  override name = 'ChannelClosedError'
  constructor(message = 'channel is closed') {
    super(message)
  }
}

/** A send on a channel whose overflow strategy is 'error', when it has no room. */
export class ChannelFullError extends Error {
  override name = 'ChannelFullError'
  constructor(message = 'channel is full') {
    super(message)
  }
}

/** A call refused because the circuit is open (or half-open with its probes already out). */
export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError'
  /** How long until the breaker lets a probe through; 0 when probes are already in flight. */
  readonly retryAfterMs: number

  constructor(retryAfterMs: number) {
    super(
      retryAfterMs > 0
        ? `circuit is open; next probe in ${Math.ceil(retryAfterMs)} ms`
        : 'circuit is half-open and its probes are in flight',
    )
    this.retryAfterMs = retryAfterMs
  }
}
