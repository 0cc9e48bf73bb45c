import type { LatencySummary } from './latency-histogram.js'
import type { TallyReport } from './record-tally.js'

/**
 * What the latency and overload parts tell a producer or consumer child
 * and what it answers. Consumers print a READY line once they hold their
 * partitions, and are told on stdin when to stop: `expect N` (stop once N
 * records were handled) or `stop` (now).
 */

export interface PacedProducerConfig {
  role: 'producer'
  bootstrap: string
  topic: string
  /** Records per second; 0 = as fast as the producer goes. */
  rate: number
  /** Records sent in the first warmupMs are marked as warm-up. */
  warmupMs: number
  durationMs: number
}

export interface PacedProducerReport {
  sent: number
  /** Records the paced generator skipped because the client had a second's worth unsettled. */
  skipped?: number
  /** The paced generator's longest pause between bursts (absent when unpaced). */
  maxTickGapMs?: number
  acknowledged: number
  /** From handing records to the client to its acknowledgement (paced runs, warm-up included). */
  ackLatency?: LatencySummary
  failed: number
  firstError?: string
  /** From the first send to the last acknowledgement. */
  seconds: number
  cpuSeconds: number
  peakRssBytes: number
  method: string
}

export interface LatencyConsumerConfig {
  role: 'consumer'
  bootstrap: string
  topic: string
  partitions: number
  groupId: string
}

export interface LatencyConsumerReport extends TallyReport {
  /** Records past the warm-up, from the value's send time to the handler. */
  latency: LatencySummary
  cpuSeconds: number
  peakRssBytes: number
  method: string
}

export type LatencyChildConfig = PacedProducerConfig | LatencyConsumerConfig

export const READY_LINE = 'READY'
