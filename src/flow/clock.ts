/**
 * Time as the flow primitives see it. Everything in src/flow that waits or
 * measures a duration asks a Clock rather than the global timers, so a test
 * (or an application's own test) can swap in a ManualClock and make linger,
 * backoff, rate limits and breaker timeouts happen instantly and exactly.
 */

/** Whatever `setTimeout` handed out; only ever passed back to `clearTimeout` of the same clock. */
export type TimerHandle = unknown

export interface Clock {
  /** Milliseconds on a monotonic scale; only differences between readings mean anything. */
  now(): number
  /** Calls `callback` once, no sooner than `ms` milliseconds from now. */
  setTimeout(callback: () => void, ms: number): TimerHandle
  /** Cancels a timer that has not fired yet; a handle that already fired is ignored. */
  clearTimeout(handle: TimerHandle): void
}

/**
 * The real clock: `performance.now()` rather than `Date.now()` because wall
 * time can jump (NTP, a user changing it) and a rate limiter or a breaker
 * timeout must not.
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** The reason an aborted signal carries, or a DOMException like `AbortSignal.abort()` would give. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError')
}

export interface SleepOptions {
  clock?: Clock
  signal?: AbortSignal
}

/**
 * Resolves after `ms` on the given clock; rejects with the signal's reason as
 * soon as the signal aborts (and at once if it already has), so no caller is
 * left holding a timer nobody wants.
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const { clock = systemClock, signal } = options
  if (signal?.aborted) return Promise.reject(abortReason(signal))
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(handle)
      reject(abortReason(signal!))
    }
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
