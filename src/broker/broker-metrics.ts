import { Apis } from '../protocol/messages/index.js'
import type { MemoryStats } from './log/memory-budget.js'
import type { TopicStore } from './topics/topic-store.js'

/**
 * What the broker counts as it serves: plain number increments where
 * requests are dispatched, connections accepted and batches appended, so
 * counting costs next to nothing. The nodes of a test cluster share one
 * (they share one BrokerState). Read through `brokerMetrics()`.
 */
export class BrokerCounters {
  /** Requests per API key, indexed by key. */
  readonly requests: number[] = []
  /** Requests that closed the connection (unknown API, bad version, undecodable) or whose handler failed. */
  requestErrors = 0
  /** Request frames read and response frames written, size prefixes included. */
  networkBytesIn = 0
  networkBytesOut = 0
  connectionsAccepted = 0
  connectionsClosed = 0
  /** Records, batches and batch bytes appended to partition logs by Produce. */
  recordsAppended = 0
  batchesAppended = 0
  bytesAppended = 0
  /** Produce partitions answered with an error. */
  failedProducePartitions = 0
  /** Record batch bytes returned by Fetch. */
  bytesFetched = 0

  request(apiKey: number): void {
    this.requests[apiKey] = (this.requests[apiKey] ?? 0) + 1
  }
}

export interface BrokerRequestCount {
  /** The API's name as Kafka spells it (`Produce`, `Fetch`, ...). */
  readonly api: string
  readonly apiKey: number
  readonly count: number
}

export interface BrokerPartitionMetrics {
  readonly topic: string
  readonly partition: number
  readonly logStartOffset: number
  readonly logEndOffset: number
  readonly sizeBytes: number
}

/** The broker's counters (since it started) and gauges (now), as plain data (`running.metrics()`). */
export interface BrokerMetrics {
  readonly requests: readonly BrokerRequestCount[]
  readonly requestErrors: number
  readonly networkBytesIn: number
  readonly networkBytesOut: number
  readonly connectionsAccepted: number
  readonly connectionsClosed: number
  /** Open now. */
  readonly connections: number
  readonly recordsAppended: number
  readonly batchesAppended: number
  readonly bytesAppended: number
  readonly failedProducePartitions: number
  readonly bytesFetched: number
  readonly topics: number
  readonly partitions: readonly BrokerPartitionMetrics[]
  readonly memory: MemoryStats
}

const API_NAMES: string[] = []
for (const api of Object.values(Apis)) API_NAMES[api.key] = api.name

export function brokerMetrics(
  counters: BrokerCounters,
  topics: TopicStore,
  memory: MemoryStats,
): BrokerMetrics {
  const requests: BrokerRequestCount[] = []
  counters.requests.forEach((count, apiKey) => {
    if (count > 0) requests.push({ api: API_NAMES[apiKey] ?? `api-${apiKey}`, apiKey, count })
  })
  const partitions: BrokerPartitionMetrics[] = []
  const listed = topics.list()
  for (const topic of listed) {
    for (const p of topic.partitions) {
      partitions.push({
        topic: topic.name,
        partition: p.index,
        logStartOffset: p.log.logStartOffset,
        logEndOffset: p.log.logEndOffset,
        sizeBytes: p.log.sizeBytes,
      })
    }
  }
  return {
    requests,
    requestErrors: counters.requestErrors,
    networkBytesIn: counters.networkBytesIn,
    networkBytesOut: counters.networkBytesOut,
    connectionsAccepted: counters.connectionsAccepted,
    connectionsClosed: counters.connectionsClosed,
    connections: counters.connectionsAccepted - counters.connectionsClosed,
    recordsAppended: counters.recordsAppended,
    batchesAppended: counters.batchesAppended,
    bytesAppended: counters.bytesAppended,
    failedProducePartitions: counters.failedProducePartitions,
    bytesFetched: counters.bytesFetched,
    topics: listed.length,
    partitions,
    memory,
  }
}
