import type { TallyReport } from './record-tally.js'

/**
 * What the overload part tells its Sluice consumer child and what it
 * answers. The child prints `READY {"baselineRssBytes":...}` once it holds
 * its partitions and has sat idle for a second, samples itself until the
 * parent writes `stop`, then closes (drains what runs, commits) and reports.
 */

export interface OverloadConfig {
  bootstrap: string
  topic: string
  partitions: number
  groupId: string
  handlerMs: number
  concurrency: number
}

export interface OverloadSample {
  /** Since READY. */
  atMs: number
  rssBytes: number
  bufferedBytes: number
  bufferedRecords: number
  totalLag: number
  processed: number
}

export interface OverloadReport extends TallyReport {
  baselineRssBytes: number
  maxBufferedBytesOption: number
  samples: OverloadSample[]
  pausedMs: number
  peakRssBytes: number
  cpuSeconds: number
  method: string
}
