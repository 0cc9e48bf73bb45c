import { abortReason, type Clock, sleep, systemClock } from './clock.js'

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. Default 100 ms. */
  initialMs?: number
  /** Ceiling for any delay. Default 30 s. */
  maxMs?: number
  /** Growth per retry. Default 2. */
  multiplier?: number
  /**
   * 'full' (the default): a uniform delay between 0 and the exponential value;
   * 'equal': half the value plus a uniform share of the other half;
   * 'none': the value itself. Jitter keeps many clients that failed together
   * from retrying together.
   */
  jitter?: 'full' | 'equal' | 'none'
}

export interface RetryOptions {
  /** Total calls, the first included; 1 means no retry. */
  attempts: number
  /**
   * How long to wait before each retry: options for the exponential rule
   * (which also waits at least an error's own `retryAfterMs`, as
   * CircuitOpenError carries), or a function of the retry number (1-based)
   * and the failure.
   */
  backoff?: BackoffOptions | ((retry: number, error: unknown) => number)
  /**
   * Whether a failure is worth another attempt. Default: yes, unless the
   * error says otherwise with a boolean `retriable` property (as Kafka errors
   * do) or it is the abort of `signal`.
   */
  retryIf?: (error: unknown, attempt: number) => boolean
  /** Stops retrying: a wait in progress ends at once with the signal's reason, and no further call is made. */
  signal?: AbortSignal
  clock?: Clock
  /** A source of numbers in [0, 1) for jitter; inject one for reproducible delays. */
  random?: () => number
  /** Called before each wait, with the failure, the attempt that failed (1-based) and the delay chosen. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
}

/**
 * The wait before retry number `retry` (1 for the first retry): `initialMs`
 * × `multiplier`^(retry − 1), capped at `maxMs`, then jittered.
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
) {
  const { initialMs = 100, maxMs = 30_000, multiplier = 2, jitter = 'full' } = options
  const exponential = Math.min(maxMs, initialMs * multiplier ** Math.max(0, retry - 1))
  if (jitter === 'none') return exponential
  if (jitter === 'equal') return exponential / 2 + random() * (exponential / 2)
  return random() * exponential
}

/** The wait an error asks for itself (a `retryAfterMs` number, as CircuitOpenError has), else 0. */
function retryAfter(error: unknown): number {
  if (typeof error !== 'object' || error === null || !('retryAfterMs' in error)) return 0
  const ms = (error as { retryAfterMs: unknown }).retryAfterMs
  return typeof ms === 'number' && ms > 0 ? ms : 0
}

function defaultRetryIf(error: unknown): boolean {
  if (typeof error === 'object' && error !== null && 'retriable' in error) {
    const retriable = (error as { retriable: unknown }).retriable
    if (typeof retriable === 'boolean') return retriable
  }
  return true
}

/**
 * Calls `fn` until it succeeds, `attempts` calls have failed, or a failure is
 * not worth retrying; between calls it waits the backoff delay on the clock.
 * The last failure is what it rejects with. `fn` receives the attempt number
 * (1-based) and the signal, to pass on to whatever it calls.
 */
export async function retry<R>(
  fn: (attempt: number, signal: AbortSignal | undefined) => R | PromiseLike<R>,
  options: RetryOptions,
): Promise<R> {
  const { attempts, backoff = {}, retryIf = defaultRetryIf, signal, onRetry } = options
  const clock = options.clock ?? systemClock
  const random = options.random ?? Math.random
  if (!Number.isSafeInteger(attempts) || attempts < 1) {
    throw new RangeError(`retry attempts must be a positive integer, got ${attempts}`)
  }
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortReason(signal)
    try {
      return await fn(attempt, signal)
    } catch (error) {
      if (attempt >= attempts) throw error
      if (signal?.aborted) throw error
      if (!retryIf(error, attempt)) throw error
      const delay =
        typeof backoff === 'function'
          ? backoff(attempt, error)
          : Math.max(backoffDelay(attempt, backoff, random), retryAfter(error))
      onRetry?.(error, attempt, delay)
      await sleep(delay, { clock, signal })
    }
  }
}
