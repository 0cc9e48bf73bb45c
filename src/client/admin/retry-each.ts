import { sleep, systemClock } from '../../flow/clock.js'
import type { Cluster } from '../cluster/cluster.js'
import { raceDeadline } from '../cluster/deadline.js'
import { recoveryFor } from '../cluster/retry-policy.js'
import { ClientClosedError, OperationTimeoutError } from '../errors.js'
import { AdminError } from './admin-error.js'

/**
 * One item's outcome in one attempt: its result, or why it failed; `final`
 * ends the item even when the error is retriable (metadata says its topic
 * does not exist: asking again will not create it).
 */
export type Outcome<R> = { readonly ok: R } | { readonly error: Error; readonly final?: boolean }

export interface RetryEachOptions {
  /** The operation's name in errors, e.g. `createTopics`. */
  readonly operation: string
  readonly timeoutMs: number
  /** What a failed attempt touched, so the cluster refreshes the right metadata or coordinator. */
  readonly context?: (pending: readonly string[]) => { topics?: readonly string[]; group?: string }
  /** Retriable errors that must still end an item at once (UNKNOWN_TOPIC_OR_PARTITION for describeTopics, say). */
  readonly fatal?: (error: Error) => boolean
}

/**
 * Runs an admin operation over several items, keyed by strings, retrying
 * only the items whose outcome was a retriable error (or that got no answer)
 * until they succeed or the timeout passes, as the Java admin client does
 * per call. An attempt that fails as a whole (a lost connection) retries
 * every pending item. Returns each item's result; throws AdminError listing
 * the items that failed, if any did.
 */
export async function retryEach<R>(
  cluster: Cluster,
  keys: readonly string[],
  attempt: (pending: readonly string[], attemptNo: number) => Promise<Map<string, Outcome<R>>>,
  options: RetryEachOptions,
): Promise<Map<string, R>> {
  const clock = cluster.options.clock ?? systemClock
  const deadline = clock.now() + options.timeoutMs
  const results = new Map<string, R>()
  const failures = new Map<string, Error>()
  let pending = [...new Set(keys)]
  const lastError = new Map<string, Error>()
  for (let attemptNo = 1; pending.length > 0; attemptNo++) {
    if (cluster.closed) throw new ClientClosedError()
    const retry: string[] = []
    let outcomes: Map<string, Outcome<R>>
    try {
      outcomes = await raceDeadline(
        attempt(pending, attemptNo),
        deadline - clock.now(),
        clock,
        () => new OperationTimeoutError(options.operation, options.timeoutMs),
      )
    } catch (error) {
      outcomes = new Map(pending.map((k) => [k, { error: error as Error }]))
    }
    for (const key of pending) {
      const outcome = outcomes.get(key)
      if (outcome && 'ok' in outcome) {
        results.set(key, outcome.ok)
        continue
      }
      // an answer that leaves out an item it was asked about is the broker's fault: not worth repeating
      const error =
        outcome?.error ?? new Error(`${options.operation}: the broker's answer did not mention ${key}`)
      const recovery = recoveryFor(error)
      const final =
        error instanceof OperationTimeoutError ||
        recovery === 'fail' ||
        (outcome !== undefined && 'final' in outcome && outcome.final === true) ||
        options.fatal?.(error)
      if (final || attemptNo > cluster.options.retry.retries) {
        failures.set(
          key,
          error instanceof OperationTimeoutError ? timedOut(options, lastError.get(key)) : error,
        )
        continue
      }
      lastError.set(key, error)
      cluster.recover(error, recovery, options.context?.([key]) ?? {})
      retry.push(key)
    }
    pending = retry
    if (pending.length === 0) break
    const wait = cluster.retry.delay(attemptNo)
    if (clock.now() + wait >= deadline) {
      for (const key of pending) failures.set(key, timedOut(options, lastError.get(key)))
      break
    }
    await sleep(wait, { clock, signal: cluster.closeSignal }).catch(() => {
      throw new ClientClosedError()
    })
  }
  if (failures.size > 0) {
    throw new AdminError(
      options.operation,
      [...failures].map(([item, error]) => ({ item, error })),
    )
  }
  return results
}

function timedOut(options: RetryEachOptions, cause: Error | undefined): Error {
  return new OperationTimeoutError(options.operation, options.timeoutMs, { cause })
}

/**
 * retryEach over items held by key: each attempt is given the items still
 * pending rather than their keys.
 */
export function retryItems<R, I>(
  cluster: Cluster,
  byKey: ReadonlyMap<string, I>,
  attempt: (items: I[], pending: readonly string[]) => Promise<Map<string, Outcome<R>>>,
  options: RetryEachOptions,
): Promise<Map<string, R>> {
  return retryEach(
    cluster,
    [...byKey.keys()],
    (pending) =>
      attempt(
        pending.map((k) => byKey.get(k)!),
        pending,
      ),
    options,
  )
}
