import type { BufferBudget } from './buffer-budget.js'
import type { RecordAccumulator } from './record-accumulator.js'
import type { Sender } from './sender.js'

/** The producer's gauges (now) and counters (since it was made); rates over the time since the previous snapshot. */
export interface ProducerMetrics {
  readonly bufferBytesTotal: number
  /** Bytes of batches not yet done (buffers kept for reuse count as available). */
  readonly bufferBytesUsed: number
  readonly bufferBytesAvailable: number
  /** Sends waiting for room in the buffer now, and the time sends have spent waiting, in all. */
  readonly sendersWaiting: number
  readonly waitingTimeMs: number
  /** Batches not yet sent (or waiting to be retried), and sent and unanswered. */
  readonly batchesQueued: number
  readonly batchesInFlight: number
  readonly requestsInFlight: number
  readonly recordsSent: number
  readonly bytesSent: number
  readonly batchesSent: number
  readonly requestsSent: number
  readonly recordsPerSecond: number
  readonly bytesPerSecond: number
  /** Average bytes of a batch sent, and that as a share of batchBytes. */
  readonly averageBatchBytes: number
  readonly averageBatchFill: number
  readonly retries: number
  /** Batches that failed for good. */
  readonly errors: number
  /** Records dropped by `whenFull: 'drop-newest'`. */
  readonly drops: number
  readonly epochBumps: number
  readonly requestLatencyAverageMs: number
  readonly requestLatencyMaxMs: number
}

export function producerMetrics(parts: {
  budget: BufferBudget
  accumulator: RecordAccumulator
  sender: Sender
  drops: number
  batchBytes: number
  since: { at: number; records: number; bytes: number }
  now: number
}): ProducerMetrics {
  const { budget, accumulator, sender, since, now } = parts
  const c = sender.counters
  let queued = 0
  let inFlight = 0
  for (const q of accumulator.allQueues()) {
    queued += q.queued.length
    inFlight += q.inFlight.length
  }
  const seconds = Math.max(1e-3, (now - since.at) / 1000)
  const averageBatchBytes = c.batches > 0 ? c.bytes / c.batches : 0
  return {
    bufferBytesTotal: budget.total,
    // buffers pooled for reuse are free for records, though the budget still counts them
    bufferBytesUsed: budget.usedBytes - accumulator.pooledBytes,
    bufferBytesAvailable: budget.availableBytes + accumulator.pooledBytes,
    sendersWaiting: budget.waiting,
    waitingTimeMs: budget.totalWaitMs,
    batchesQueued: queued,
    batchesInFlight: inFlight,
    requestsInFlight: sender.requestsInFlight,
    recordsSent: c.records,
    bytesSent: c.bytes,
    batchesSent: c.batches,
    requestsSent: c.requests,
    recordsPerSecond: (c.records - since.records) / seconds,
    bytesPerSecond: (c.bytes - since.bytes) / seconds,
    averageBatchBytes,
    averageBatchFill: averageBatchBytes / parts.batchBytes,
    retries: c.retries,
    errors: c.errors,
    drops: parts.drops,
    epochBumps: c.epochBumps,
    requestLatencyAverageMs: c.requests > 0 ? c.latencyTotalMs / c.requests : 0,
    requestLatencyMaxMs: c.latencyMaxMs,
  }
}
