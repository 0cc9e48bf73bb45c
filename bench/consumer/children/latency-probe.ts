import { peakRssBytes, startWindow } from '../../support/child-runtime.js'
import { LatencyHistogram } from './latency-histogram.js'
import { type LatencyConsumerConfig, type LatencyConsumerReport, READY_LINE } from './latency-protocol.js'
import { isMeasured, nowMs, sentAtMs } from './latency-value.js'
import { RecordTally } from './record-tally.js'
import { nextStopCommand } from './stdin-commands.js'

/**
 * The consumer side of the latency part, the same for every client: each
 * handled record's latency (now - the send time in its value) goes into the
 * histogram unless it belongs to the warm-up, and every record is tallied.
 * The client says when it holds its partitions (`ready`), then the parent
 * says how many records to wait for.
 */

const DRAIN_TIMEOUT_MS = 60_000

export class LatencyProbe {
  private readonly tally: RecordTally
  private readonly histogram = new LatencyHistogram()
  private readonly window = startWindow()
  private announced = false

  constructor(config: LatencyConsumerConfig) {
    // the target comes later, from the parent
    this.tally = new RecordTally(config.partitions, Number.MAX_SAFE_INTEGER)
  }

  readonly record = (partition: number, offset: number, value: Buffer): void => {
    if (isMeasured(value)) this.histogram.record(nowMs() - sentAtMs(value))
    this.tally.add(partition, offset)
  }

  ready(): void {
    if (this.announced) return
    this.announced = true
    process.stdout.write(`${READY_LINE}\n`)
  }

  /** Waits for the parent's `expect N`, then for the Nth record. */
  async untilDone(): Promise<void> {
    const command = await nextStopCommand()
    if ('now' in command) return
    this.tally.expect(command.expect)
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`${this.tally.counted} of ${command.expect} records after ${DRAIN_TIMEOUT_MS} ms`),
          ),
        DRAIN_TIMEOUT_MS,
      )
    })
    try {
      await Promise.race([this.tally.reached, late])
    } finally {
      clearTimeout(timer)
    }
  }

  report(method: string): LatencyConsumerReport {
    return {
      ...this.tally.report(),
      latency: this.histogram.summary(),
      cpuSeconds: this.window.finish().cpuSeconds,
      peakRssBytes: peakRssBytes(),
      method,
    }
  }
}
