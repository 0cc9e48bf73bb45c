import { register as defaultRegistry } from 'prom-client'
import {
  collectFrom,
  counter as counterOf,
  gauge as gaugeOf,
  type MetricSpec,
  type MetricsCollection,
  perPartition as perPartitionOf,
} from './metric-family.js'
import type { CollectOptions } from './producer-collector.js'

/**
 * What the collector reads of a broker: the shape `running.metrics()` of
 * `sluice/broker` returns (a lone broker or a test cluster). Declared here
 * rather than imported, so that `sluice/metrics` loads nothing of the broker.
 */
export interface BrokerMetricsSnapshot {
  readonly requests: readonly { readonly api: string; readonly count: number }[]
  readonly requestErrors: number
  readonly networkBytesIn: number
  readonly networkBytesOut: number
  readonly connectionsAccepted: number
  readonly connectionsClosed: number
  readonly connections: number
  readonly recordsAppended: number
  readonly batchesAppended: number
  readonly bytesAppended: number
  readonly failedProducePartitions: number
  readonly bytesFetched: number
  readonly topics: number
  readonly partitions: readonly {
    readonly topic: string
    readonly partition: number
    readonly logStartOffset: number
    readonly logEndOffset: number
    readonly sizeBytes: number
  }[]
  readonly memory: {
    readonly budgetBytes: number
    readonly heldBytes: number
    readonly releasedBytes: number
    readonly releasedBatches: number
  }
}

export interface BrokerMetricsSource {
  metrics(): BrokerMetricsSnapshot
}

type Spec = MetricSpec<BrokerMetricsSnapshot>
type Partition = BrokerMetricsSnapshot['partitions'][number]

const counter = (name: string, help: string, read: (m: BrokerMetricsSnapshot) => number) =>
  counterOf<BrokerMetricsSnapshot>(name, help, read)
const gauge = (name: string, help: string, read: (m: BrokerMetricsSnapshot) => number) =>
  gaugeOf<BrokerMetricsSnapshot>(name, help, read)
const perPartition = (name: string, help: string, read: (p: Partition) => number) =>
  perPartitionOf<BrokerMetricsSnapshot>(name, help, read)

/** The broker's series; Kafka's JMX names are in README's metrics section. */
export const BROKER_METRICS: readonly Spec[] = [
  {
    name: 'sluice_broker_requests_total',
    help: 'Requests served, by API',
    type: 'counter',
    labelNames: ['api'],
    read: (m, emit) => {
      for (const r of m.requests) emit(r.count, { api: r.api })
    },
  },
  counter(
    'sluice_broker_request_errors_total',
    'Requests that closed their connection (unknown API or version, undecodable) or whose handler failed',
    (m) => m.requestErrors,
  ),
  counter(
    'sluice_broker_network_incoming_byte_total',
    'Bytes of request frames read',
    (m) => m.networkBytesIn,
  ),
  counter(
    'sluice_broker_network_outgoing_byte_total',
    'Bytes of response frames written',
    (m) => m.networkBytesOut,
  ),
  counter(
    'sluice_broker_bytes_in_total',
    'Bytes of record batches appended by Produce',
    (m) => m.bytesAppended,
  ),
  counter(
    'sluice_broker_bytes_out_total',
    'Bytes of record batches returned by Fetch',
    (m) => m.bytesFetched,
  ),
  counter('sluice_broker_messages_in_total', 'Records appended by Produce', (m) => m.recordsAppended),
  counter('sluice_broker_batches_in_total', 'Record batches appended by Produce', (m) => m.batchesAppended),
  counter(
    'sluice_broker_failed_produce_total',
    'Partitions of Produce requests answered with an error',
    (m) => m.failedProducePartitions,
  ),
  counter('sluice_broker_connection_creation_total', 'Connections accepted', (m) => m.connectionsAccepted),
  counter('sluice_broker_connection_close_total', 'Connections closed', (m) => m.connectionsClosed),
  gauge('sluice_broker_connections', 'Connections open now', (m) => m.connections),
  gauge('sluice_broker_topics', 'Topics', (m) => m.topics),
  gauge('sluice_broker_partitions', 'Partitions of every topic', (m) => m.partitions.length),
  perPartition('sluice_broker_log_end_offset', 'Offset the next record appended gets', (p) => p.logEndOffset),
  perPartition('sluice_broker_log_start_offset', 'First offset still readable', (p) => p.logStartOffset),
  perPartition('sluice_broker_log_size_bytes', 'Bytes of batches the partition holds', (p) => p.sizeBytes),
  gauge(
    'sluice_broker_memory_budget_bytes',
    'The memory engine budget (memoryBudgetBytes; no series without one)',
    (m) => m.memory.budgetBytes,
  ),
  gauge('sluice_broker_memory_held_bytes', 'Bytes the memory engine holds', (m) => m.memory.heldBytes),
  counter(
    'sluice_broker_memory_released_bytes_total',
    'Bytes released because the memory budget was full',
    (m) => m.memory.releasedBytes,
  ),
  counter(
    'sluice_broker_memory_released_batches_total',
    'Batches released because the memory budget was full',
    (m) => m.memory.releasedBatches,
  ),
]

/**
 * Exports a broker's counters and gauges (requests per API, bytes in and
 * out, connections, records appended, offsets per partition, memory) to a
 * Prometheus registry, read at each scrape. `broker` is what `startBroker`
 * or `startCluster` of `sluice/broker` resolves with.
 */
export function collectBrokerMetrics(
  broker: BrokerMetricsSource,
  options: CollectOptions = {},
): MetricsCollection {
  if (typeof broker?.metrics !== 'function') {
    throw new TypeError('broker: must be a running broker (an object with metrics())')
  }
  return collectFrom('broker', BROKER_METRICS, options.registry ?? defaultRegistry, options.labels, () =>
    broker.metrics(),
  )
}
