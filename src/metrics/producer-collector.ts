import { register as defaultRegistry, type Registry } from 'prom-client'
import type { ProducerMetrics } from '../client/producer/producer-metrics.js'
import {
  collectFrom,
  counter as counterOf,
  gauge as gaugeOf,
  type Labels,
  type MetricSpec,
  type MetricsCollection,
} from './metric-family.js'

/** A producer as the collector reads it: `peekMetrics()` leaves the producer's own rate window alone. */
export interface ProducerMetricsSource {
  peekMetrics(): ProducerMetrics
}

export interface CollectOptions {
  /** Where the series go; default prom-client's global registry. */
  registry?: Registry
  /** Labels on every series of this source, e.g. `{ client: 'orders' }`; needed to tell several apart. */
  labels?: Labels
}

const counter = (name: string, help: string, read: (m: ProducerMetrics) => number) =>
  counterOf<ProducerMetrics>(name, help, read)
const gauge = (name: string, help: string, read: (m: ProducerMetrics) => number) =>
  gaugeOf<ProducerMetrics>(name, help, read)

/** The producer's series; the Java client's JMX names are in README's metrics section. */
export const PRODUCER_METRICS: readonly MetricSpec<ProducerMetrics>[] = [
  counter(
    'sluice_producer_record_send_total',
    'Records acknowledged (or written, acks none)',
    (m) => m.recordsSent,
  ),
  counter('sluice_producer_byte_total', 'Bytes of record batches sent', (m) => m.bytesSent),
  counter('sluice_producer_batch_send_total', 'Record batches sent', (m) => m.batchesSent),
  counter('sluice_producer_request_total', 'Produce requests sent', (m) => m.requestsSent),
  counter(
    'sluice_producer_batch_retry_total',
    'Batches sent again after a retriable error',
    (m) => m.retries,
  ),
  counter('sluice_producer_batch_error_total', 'Batches that failed for good', (m) => m.errors),
  counter('sluice_producer_record_drop_total', "Records dropped by whenFull: 'drop-newest'", (m) => m.drops),
  counter('sluice_producer_epoch_bump_total', 'Idempotent producer epoch bumps', (m) => m.epochBumps),
  counter(
    'sluice_producer_buffer_wait_time_ms_total',
    'Time sends spent waiting for room in the buffer, in all',
    (m) => m.waitingTimeMs,
  ),
  gauge('sluice_producer_buffer_total_bytes', 'The buffer budget (bufferBytes)', (m) => m.bufferBytesTotal),
  gauge(
    'sluice_producer_buffer_available_bytes',
    'Bytes of the buffer free for records',
    (m) => m.bufferBytesAvailable,
  ),
  gauge('sluice_producer_buffer_used_bytes', 'Bytes of batches not yet done', (m) => m.bufferBytesUsed),
  gauge('sluice_producer_waiting_sends', 'Sends waiting for room in the buffer', (m) => m.sendersWaiting),
  gauge(
    'sluice_producer_batches_queued',
    'Batches not yet sent or waiting to be retried',
    (m) => m.batchesQueued,
  ),
  gauge('sluice_producer_batches_in_flight', 'Batches sent and not yet answered', (m) => m.batchesInFlight),
  gauge(
    'sluice_producer_requests_in_flight',
    'Produce requests sent and not yet answered',
    (m) => m.requestsInFlight,
  ),
  gauge('sluice_producer_batch_size_avg', 'Average bytes of a batch sent', (m) => m.averageBatchBytes),
  gauge(
    'sluice_producer_batch_fill_ratio',
    'Average batch size as a share of batchBytes',
    (m) => m.averageBatchFill,
  ),
  gauge(
    'sluice_producer_request_latency_avg_ms',
    'Average time from a produce request to its answer',
    (m) => m.requestLatencyAverageMs,
  ),
  gauge(
    'sluice_producer_request_latency_max_ms',
    'Longest time from a produce request to its answer',
    (m) => m.requestLatencyMaxMs,
  ),
]

/**
 * Exports a producer's counters and gauges to a Prometheus registry, read
 * at each scrape (nothing runs between scrapes, and a scrape resets
 * nothing). Several producers may share a registry when their `labels`
 * tell them apart.
 */
export function collectProducerMetrics(
  producer: ProducerMetricsSource,
  options: CollectOptions = {},
): MetricsCollection {
  if (typeof producer?.peekMetrics !== 'function') {
    throw new TypeError('producer: must be a Producer (an object with peekMetrics())')
  }
  return collectFrom('producer', PRODUCER_METRICS, options.registry ?? defaultRegistry, options.labels, () =>
    producer.peekMetrics(),
  )
}
