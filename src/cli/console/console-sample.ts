import type { LiveSnapshot } from '../live/live-snapshot.js'

/** What a running demo knows of its own buffers; nobody outside the process can measure them. */
export interface BackpressureGauges {
  readonly consumerBufferedBytes: number
  readonly consumerMaxBufferedBytes: number
  readonly producerBufferBytesUsed: number
  readonly producerBufferBytesTotal: number
  readonly pausedPartitions: number
  readonly partitions: number
}

/**
 * One point of the console's live charts, pushed to the page once a
 * second or so. It comes either from the demo's LiveFeed (source `demo`,
 * with its buffers and the whole snapshot) or from polling the cluster
 * with the admin client (source `cluster`: rates from offset deltas, no
 * gauges, since a consumer's buffer lives in its own process). The page
 * draws both the same way. Plain data: it crosses JSON unchanged.
 */
export interface ConsoleSample {
  /** Milliseconds since the epoch. */
  readonly at: number
  readonly source: 'demo' | 'cluster'
  readonly producedPerSecond: number
  readonly consumedPerSecond: number
  /** Records behind, summed over the groups watched. */
  readonly lag: number
  readonly backpressure: BackpressureGauges | null
  /** The demo's whole snapshot (breaker, drops, retries...), null when polling a cluster. */
  readonly live: LiveSnapshot | null
}

export function sampleFromSnapshot(snapshot: LiveSnapshot): ConsoleSample {
  const { producer, consumer } = snapshot
  return {
    at: snapshot.at,
    source: 'demo',
    producedPerSecond: producer.recordsPerSecond,
    consumedPerSecond: consumer.recordsPerSecond,
    lag: consumer.lag,
    backpressure: {
      consumerBufferedBytes: consumer.bufferedBytes,
      consumerMaxBufferedBytes: consumer.maxBufferedBytes,
      producerBufferBytesUsed: producer.bufferBytesUsed,
      producerBufferBytesTotal: producer.bufferBytesTotal,
      pausedPartitions: consumer.pausedPartitions,
      partitions: consumer.partitions,
    },
    live: snapshot,
  }
}
