import { register as defaultRegistry } from 'prom-client'
import type { ConsumerMetrics } from '../client/consumer/consumer-metrics.js'
import {
  collectFrom,
  counter as counterOf,
  gauge as gaugeOf,
  type MetricSpec,
  type MetricsCollection,
  perPartition as perPartitionOf,
} from './metric-family.js'
import type { CollectOptions } from './producer-collector.js'

/** A consumer as the collector reads it (`metrics()` has no side effects). */
export interface ConsumerMetricsSource {
  metrics(): ConsumerMetrics
}

type Spec = MetricSpec<ConsumerMetrics>
type Partition = ConsumerMetrics['partitions'][number]

const counter = (name: string, help: string, read: (m: ConsumerMetrics) => number) =>
  counterOf<ConsumerMetrics>(name, help, read)
const gauge = (name: string, help: string, read: (m: ConsumerMetrics) => number) =>
  gaugeOf<ConsumerMetrics>(name, help, read)
const perPartition = (name: string, help: string, read: (p: Partition) => number) =>
  perPartitionOf<ConsumerMetrics>(name, help, read)

const BREAKER_STATES = ['closed', 'open', 'half-open'] as const

/** The consumer's series; the Java client's JMX names are in README's metrics section. */
export const CONSUMER_METRICS: readonly Spec[] = [
  perPartition(
    'sluice_consumer_records_lag',
    'High watermark minus the committable offset: records not yet finished, fetched or not',
    (p) => p.lag,
  ),
  perPartition('sluice_consumer_position', 'Next offset to fetch', (p) => p.position),
  perPartition('sluice_consumer_committed_offset', 'Last offset committed (-1 none)', (p) => p.committed),
  perPartition(
    'sluice_consumer_high_watermark',
    'The partition high watermark last fetched',
    (p) => p.highWatermark,
  ),
  perPartition(
    'sluice_consumer_partition_buffered_bytes',
    'Bytes fetched and not yet finished',
    (p) => p.bufferedBytes,
  ),
  {
    name: 'sluice_consumer_partition_paused_ms_total',
    help: "Time the partition's fetching spent paused by its full buffer",
    type: 'counter',
    labelNames: ['topic', 'partition'],
    read: (m, emit) => {
      for (const p of m.partitions) emit(p.pausedMs, { topic: p.topic, partition: String(p.partition) })
    },
  },
  gauge('sluice_consumer_records_lag_sum', 'Lag of every assigned partition together', (m) => m.totalLag),
  gauge('sluice_consumer_records_lag_max', 'Lag of the partition furthest behind', (m) =>
    m.partitions.reduce((max, p) => Math.max(max, p.lag), 0),
  ),
  gauge('sluice_consumer_assigned_partitions', 'Partitions this consumer reads', (m) => m.partitions.length),
  gauge(
    'sluice_consumer_paused_partitions',
    'Partitions whose fetching is paused (full buffer or pause())',
    (m) => m.partitions.filter((p) => p.paused).length,
  ),
  gauge('sluice_consumer_buffered_bytes', 'Bytes fetched and not yet finished', (m) => m.bufferedBytes),
  gauge('sluice_consumer_buffered_records', 'Records fetched and not yet finished', (m) => m.bufferedRecords),
  gauge('sluice_consumer_buffer_max_bytes', 'The byte budget (maxBufferedBytes)', (m) => m.maxBufferedBytes),
  gauge('sluice_consumer_in_flight', 'Records being processed now', (m) => m.inFlight),
  gauge(
    'sluice_consumer_concurrency_limit',
    'Records that may be processed at once now',
    (m) => m.concurrency,
  ),
  gauge(
    'sluice_consumer_process_latency_avg_ms',
    'Average handler time of records processed',
    (m) => m.averageHandlerMs,
  ),
  gauge(
    'sluice_consumer_commit_latency_avg_ms',
    'Average time of an offset commit',
    (m) => m.averageCommitMs,
  ),
  counter('sluice_consumer_records_consumed_total', 'Records whose handler succeeded', (m) => m.processed),
  counter(
    'sluice_consumer_failed_attempts_total',
    'Handler calls that failed (each retry counts)',
    (m) => m.failedAttempts,
  ),
  counter('sluice_consumer_retry_total', 'Handler calls repeated after a failure', (m) => m.retries),
  counter('sluice_consumer_skipped_total', "Records given up on with onFailure: 'skip'", (m) => m.skipped),
  counter(
    'sluice_consumer_dead_lettered_total',
    'Records sent to the dead-letter topic',
    (m) => m.deadLettered,
  ),
  {
    name: 'sluice_consumer_records_dropped_total',
    help: 'Records dropped by an overflow strategy, by strategy',
    type: 'counter',
    labelNames: ['reason'],
    read: (m, emit) => {
      for (const [reason, count] of Object.entries(m.drops)) emit(count, { reason })
    },
  },
  counter('sluice_consumer_commit_total', 'Offset commits the coordinator took', (m) => m.commits),
  counter('sluice_consumer_rebalance_total', 'Rebalances this consumer took part in', (m) => m.rebalances),
  counter(
    'sluice_consumer_rebalance_time_ms_total',
    'Time spent rebalancing, in all',
    (m) => m.rebalanceMsTotal,
  ),
  {
    name: 'sluice_consumer_breaker_state',
    help: 'The circuit breaker: 1 for its state now, 0 for the others (no series without a breaker)',
    type: 'gauge',
    labelNames: ['state'],
    read: (m, emit) => {
      if (m.breaker === null) return
      for (const state of BREAKER_STATES) emit(m.breaker === state ? 1 : 0, { state })
    },
  },
]

/**
 * Exports a consumer's counters and gauges (lag per partition, buffer,
 * pauses, processing, commits, rebalances, breaker) to a Prometheus
 * registry, read at each scrape. Several consumers may share a registry
 * when their `labels` tell them apart.
 */
export function collectConsumerMetrics(
  consumer: ConsumerMetricsSource,
  options: CollectOptions = {},
): MetricsCollection {
  if (typeof consumer?.metrics !== 'function') {
    throw new TypeError('consumer: must be a Consumer (an object with metrics())')
  }
  return collectFrom('consumer', CONSUMER_METRICS, options.registry ?? defaultRegistry, options.labels, () =>
    consumer.metrics(),
  )
}
