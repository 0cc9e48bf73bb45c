import { systemClock } from '../../flow/clock.js'
import { ErrorCode, KafkaError } from '../../protocol/error-codes.js'
import type { Cluster } from '../cluster/cluster.js'
import type { AdminCallOptions } from './admin-types.js'
import type { Outcome } from './retry-each.js'

/**
 * One admin call's deadline and the timeouts derived from it: what the
 * broker is told to wait (CreateTopics' `timeoutMs`, say) never outlasts
 * what is left of the call, nor the client's request timeout.
 */
export class CallDeadline {
  readonly timeoutMs: number
  private readonly endsAt: number

  constructor(
    private readonly cluster: Cluster,
    options: AdminCallOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? cluster.options.defaultApiTimeoutMs
    this.endsAt = this.now() + this.timeoutMs
  }

  /** Milliseconds left, at least 1. */
  get remainingMs(): number {
    return Math.max(1, Math.round(this.endsAt - this.now()))
  }

  /** A broker-side timeout for one attempt: what is left, capped by the request timeout. */
  get brokerTimeoutMs(): number {
    return Math.min(this.remainingMs, this.cluster.options.requestTimeoutMs)
  }

  private now(): number {
    return (this.cluster.options.clock ?? systemClock).now()
  }
}

/** A KafkaError from a per-item error code, with the broker's own message when it sent one. */
export function itemError(
  code: number,
  details: Record<string, string | number>,
  message?: string | null,
): KafkaError {
  return new KafkaError(code, message ? { ...details, reason: message } : details)
}

/** The string key admin calls use for a partition. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}[${partition}]`
}

/**
 * Per-partition outcomes from the topics -> partitions shape most answers
 * share: `ok` for partitions without error, a KafkaError with `context` (the
 * group, say) and `reason` (from the code, when the plain name says too
 * little) for the others.
 */
export function partitionOutcomes<P extends { partitionIndex: number; errorCode: number }, R>(
  topics: readonly { name: string; partitions: readonly P[] }[],
  ok: (topic: string, partition: P) => R,
  context: Record<string, string> = {},
  reason?: (code: number) => string | undefined,
): Map<string, Outcome<R>> {
  const outcomes = new Map<string, Outcome<R>>()
  for (const t of topics) {
    for (const p of t.partitions) {
      const key = partitionKey(t.name, p.partitionIndex)
      if (p.errorCode === ErrorCode.NONE) outcomes.set(key, { ok: ok(t.name, p) })
      else {
        const where = { ...context, topic: t.name, partition: p.partitionIndex }
        outcomes.set(key, { error: itemError(p.errorCode, where, reason?.(p.errorCode)) })
      }
    }
  }
  return outcomes
}
