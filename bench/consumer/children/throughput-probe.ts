import { type MemoryPeaks, peakRssBytes, startWindow } from '../../support/child-runtime.js'
import { RecordTally } from './record-tally.js'
import type { ThroughputConfig, ThroughputReport } from './throughput-protocol.js'

/**
 * The measuring side of a throughput child, the same for every Node client:
 * started just before the client is created, it tallies each record, notes
 * when the first one arrived, and turns it all into the report once the
 * last one is in.
 */
export class ThroughputProbe {
  private readonly tally: RecordTally
  private readonly window = startWindow()
  private readonly started = performance.now()
  private firstAt = 0
  private measured: { seconds: number; cpuSeconds: number } | undefined

  constructor(config: ThroughputConfig) {
    this.tally = new RecordTally(config.partitions, config.records)
  }

  /** Resolves once every record was counted. */
  get reached(): Promise<void> {
    return this.tally.reached
  }

  readonly record = (partition: number, offset: number): void => {
    if (this.firstAt === 0) this.firstAt = performance.now()
    this.tally.add(partition, offset)
  }

  /** Ends the measured window: call as soon as `reached` resolves, before closing the client. */
  stop(): void {
    this.measured = this.window.finish()
  }

  report(method: string, extra: { detail?: string; memory?: MemoryPeaks } = {}): ThroughputReport {
    const { seconds, cpuSeconds } = this.measured ?? this.window.finish()
    return {
      ...this.tally.report(),
      seconds,
      firstRecordSeconds: (this.firstAt - this.started) / 1000,
      cpuSeconds,
      peakRssBytes: peakRssBytes(),
      method,
      ...extra,
    }
  }
}
