import type { MemoryPeaks } from '../../support/child-runtime.js'
import type { TallyReport } from './record-tally.js'

/**
 * What the throughput part tells a consumer child and what the child
 * answers (one JSON argument, one RESULT line; the Java consumer speaks the
 * same). The child reads `records` records of `topic` from the beginning
 * through a group of its own and stops at the last one.
 */

export interface ThroughputConfig {
  bootstrap: string
  topic: string
  partitions: number
  records: number
  groupId: string
  /** Client-specific: 'run' / 'batch' (Sluice), 'batch' / 'message' (kafkajs). */
  mode: string
}

export interface ThroughputReport extends TallyReport {
  /** From creating the client to the last record handled. */
  seconds: number
  /** From creating the client to the first record handled: connecting, joining, the first fetch. */
  firstRecordSeconds: number
  /** User + system CPU of the whole process over `seconds` (all threads). */
  cpuSeconds: number
  peakRssBytes: number
  method: string
  /** The client's own account (Sluice: its metrics), for the notes. */
  detail?: string
  memory?: MemoryPeaks
}
