import type { Clock } from '../../flow/clock.js'

/**
 * Settles like `promise`, or rejects with `timedOut()` after `ms` on the
 * clock, whichever comes first; the timer never outlives the race. The
 * losing promise's rejection is swallowed, since nobody awaits it any more.
 */
export function raceDeadline<T>(
  promise: Promise<T>,
  ms: number,
  clock: Clock,
  timedOut: () => Error,
): Promise<T> {
  if (ms <= 0) {
    promise.catch(() => {})
    return Promise.reject(timedOut())
  }
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      promise.catch(() => {})
      reject(timedOut())
    }, ms)
    promise.then(
      (value) => {
        clock.clearTimeout(timer)
        resolve(value)
      },
      (error) => {
        clock.clearTimeout(timer)
        reject(error)
      },
    )
  })
}
