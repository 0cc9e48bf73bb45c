import { type Clock, sleep, systemClock } from '../../flow/clock.js'
import { backoffDelay } from '../../flow/retry.js'
import { ErrorCode, KafkaError } from '../../protocol/error-codes.js'
import type { RetryPolicyOptions } from '../client-options.js'
import { ClientClosedError, ConnectionError, OperationTimeoutError, RequestTimeoutError } from '../errors.js'
import { raceDeadline } from './deadline.js'

/** What to do about a failure before trying again. */
export type Recovery = 'refresh-metadata' | 'find-coordinator' | 'backoff' | 'fail'

/** Error codes that mean the client's picture of leaders is out of date. */
const METADATA_CODES = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.BROKER_NOT_AVAILABLE,
])

/** Error codes that mean the group (or transaction) coordinator has moved or is not ready. */
const COORDINATOR_CODES = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE])

/**
 * The one classification every retry loop in the client uses. Not
 * retriable (the `retriable` flag of Kafka's table and of our own errors):
 * fail. A stale leader or a lost connection: refresh metadata first. A moved
 * coordinator: look it up again. Anything else retriable: just wait.
 */
export function recoveryFor(error: unknown): Recovery {
  if (error instanceof KafkaError) {
    if (COORDINATOR_CODES.has(error.code)) return 'find-coordinator'
    if (METADATA_CODES.has(error.code)) return 'refresh-metadata'
    return error.retriable ? 'backoff' : 'fail'
  }
  if (error instanceof ConnectionError || error instanceof RequestTimeoutError) return 'refresh-metadata'
  if (typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true) {
    return 'backoff'
  }
  return 'fail'
}

export interface RunOptions {
  /** How long the whole operation may take, retries included. */
  timeoutMs: number
  /** Called before each wait, with what failed and what its recovery is (refresh metadata, ...). */
  onRetry?: (error: unknown, recovery: Recovery) => void | Promise<void>
  /** Ends the operation early (the client closing). */
  signal?: AbortSignal
}

/**
 * Runs an operation until it succeeds, fails with something not worth
 * retrying, uses up `retries`, or runs out of `timeoutMs` — in which case it
 * rejects with OperationTimeoutError carrying the last failure. Waits grow
 * exponentially from `initialBackoffMs` to `maxBackoffMs`, with jitter so
 * clients that failed together do not retry together.
 */
export class RetryPolicy {
  private readonly clock: Clock

  constructor(
    private readonly options: Required<RetryPolicyOptions>,
    clock?: Clock,
    private readonly random: () => number = Math.random,
  ) {
    this.clock = clock ?? systemClock
  }

  /** The wait before retry number `retry` (1-based). */
  delay(retry: number): number {
    const { initialBackoffMs, maxBackoffMs } = this.options
    return backoffDelay(
      retry,
      { initialMs: initialBackoffMs, maxMs: maxBackoffMs, jitter: 'equal' },
      this.random,
    )
  }

  async run<T>(operation: string, fn: (attempt: number) => Promise<T>, options: RunOptions): Promise<T> {
    const deadline = this.clock.now() + options.timeoutMs
    let last: unknown
    for (let attempt = 1; ; attempt++) {
      if (options.signal?.aborted) throw new ClientClosedError()
      let error: unknown
      try {
        return await raceDeadline(
          fn(attempt),
          deadline - this.clock.now(),
          this.clock,
          () => new OperationTimeoutError(operation, options.timeoutMs, { cause: last }),
        )
      } catch (e) {
        error = e
      }
      if (error instanceof OperationTimeoutError) throw error
      last = error
      const recovery = recoveryFor(error)
      if (recovery === 'fail' || attempt > this.options.retries) throw error
      const wait = this.delay(attempt)
      if (this.clock.now() + wait >= deadline) {
        throw new OperationTimeoutError(operation, options.timeoutMs, { cause: error })
      }
      await options.onRetry?.(error, recovery)
      await sleep(wait, { clock: this.clock, signal: options.signal }).catch(() => {
        throw new ClientClosedError()
      })
    }
  }
}
