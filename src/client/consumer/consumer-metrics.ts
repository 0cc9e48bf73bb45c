import type { CircuitBreaker, CircuitState } from '../../flow/circuit-breaker.js'
import type { ConcurrencyLimiter } from '../../flow/concurrency-limiter.js'
import type { Committer } from './commit/committer.js'
import type { DispatchCounters } from './dispatch/dispatch-counters.js'
import type { BufferUsage, PartitionState } from './fetch/partition-state.js'

export interface PartitionMetrics {
  readonly topic: string
  readonly partition: number
  /** Next offset to fetch. */
  readonly position: number
  readonly committed: number
  readonly highWatermark: number
  /** highWatermark - committable offset: records not yet finished, fetched or not. */
  readonly lag: number
  readonly bufferedRecords: number
  readonly bufferedBytes: number
  readonly inFlight: number
  readonly paused: boolean
  /** Time its fetching spent paused by its full buffer, in all. */
  readonly pausedMs: number
}

export interface ConsumerMetrics {
  readonly partitions: readonly PartitionMetrics[]
  readonly totalLag: number
  readonly bufferedBytes: number
  readonly bufferedRecords: number
  readonly maxBufferedBytes: number
  readonly inFlight: number
  readonly concurrency: number
  readonly processed: number
  readonly failedAttempts: number
  readonly retries: number
  readonly skipped: number
  readonly deadLettered: number
  readonly drops: Readonly<Record<string, number>>
  readonly averageHandlerMs: number
  readonly commits: number
  readonly averageCommitMs: number
  readonly rebalances: number
  readonly rebalanceMsTotal: number
  readonly breaker: CircuitState | null
}

export function consumerMetrics(parts: {
  states: readonly PartitionState[]
  usage: BufferUsage
  counters: DispatchCounters
  limiter: ConcurrencyLimiter
  breaker: CircuitBreaker | undefined
  committer: Committer | undefined
  drops: ReadonlyMap<string, number>
  rebalances: number
  rebalanceMsTotal: number
  inFlight: number
  now: number
}): ConsumerMetrics {
  const { counters, committer } = parts
  const partitions = parts.states.map((s) => {
    const lag = s.highWatermark >= 0 ? Math.max(0, s.highWatermark - s.committable()) : 0
    return {
      topic: s.topic,
      partition: s.partition,
      position: s.position,
      committed: s.committed,
      highWatermark: s.highWatermark,
      lag,
      bufferedRecords: s.records,
      bufferedBytes: s.bytes,
      inFlight: s.inFlight,
      paused: !s.fetchable && !s.fetching,
      pausedMs: s.pausedMs,
    }
  })
  return {
    partitions,
    totalLag: partitions.reduce((n, p) => n + p.lag, 0),
    bufferedBytes: parts.usage.bytes,
    bufferedRecords: parts.usage.records,
    maxBufferedBytes: parts.usage.maxBytes,
    inFlight: parts.inFlight,
    concurrency: parts.limiter.limit,
    processed: counters.processed,
    failedAttempts: counters.failedAttempts,
    retries: counters.retries,
    skipped: counters.skipped,
    deadLettered: counters.deadLettered,
    drops: Object.fromEntries(parts.drops),
    averageHandlerMs: counters.processed > 0 ? counters.handlerMsTotal / counters.processed : 0,
    commits: committer?.commits ?? 0,
    averageCommitMs: committer && committer.commits > 0 ? committer.latencyTotalMs / committer.commits : 0,
    rebalances: parts.rebalances,
    rebalanceMsTotal: parts.rebalanceMsTotal,
    breaker: parts.breaker?.state ?? null,
  }
}
