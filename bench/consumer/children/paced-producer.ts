import { peakRssBytes, startWindow } from '../../support/child-runtime.js'
import { LatencyHistogram } from './latency-histogram.js'
import type { PacedProducerConfig, PacedProducerReport } from './latency-protocol.js'
import { latencyValue } from './latency-value.js'
import { pacedSends } from './paced-sends.js'

/**
 * The producer side of the latency part, the same for every client: the
 * paced generator hands each burst of fresh values to the client's send,
 * which must settle every record it was given (acknowledged or failed);
 * the run ends once all are settled.
 */

/**
 * Records handed to the client and not yet settled, at most: a second's
 * worth. A client that falls further behind has the records due skipped
 * (counted, so the achieved rate says so) rather than queued without bound,
 * which ran a producer out of heap.
 */
const MIN_OUTSTANDING = 10_000

export interface Settled {
  acknowledged: number
  failed: number
  firstError?: string
}

/**
 * Counts what the producer settled and how long each acknowledgement took
 * from the send (the producer's share of the end-to-end latency: linger,
 * the request, the broker's append and replication).
 */
export class SendLedger implements Settled {
  readonly ackLatency = new LatencyHistogram()
  acknowledged = 0
  failed = 0
  firstError: string | undefined
  private outstanding = 0
  private idle: (() => void) | undefined

  started(count: number): void {
    this.outstanding += count
  }

  /** `sentAt`: performance.now() when the records were handed to the client. */
  ok(count: number, sentAt: number): void {
    this.ackLatency.record(performance.now() - sentAt, count)
    this.acknowledged += count
    this.settle(count)
  }

  fail(count: number, error: unknown): void {
    this.failed += count
    this.firstError ??= String((error as Error)?.message ?? error)
    this.settle(count)
  }

  get unsettled(): number {
    return this.outstanding
  }

  /** Resolves once nothing is outstanding. */
  drained(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve()
    return new Promise((resolve) => {
      this.idle = resolve
    })
  }

  private settle(count: number): void {
    this.outstanding -= count
    if (this.outstanding === 0 && this.idle) {
      const resolve = this.idle
      this.idle = undefined
      resolve()
    }
  }
}

export async function producePaced(
  config: PacedProducerConfig,
  sendBurst: (values: Buffer[], ledger: SendLedger, sentAt: number) => void,
  method: string,
): Promise<PacedProducerReport> {
  const ledger = new SendLedger()
  const window = startWindow()
  let seq = 0
  let skipped = 0
  const maxOutstanding = Math.max(MIN_OUTSTANDING, config.rate)
  const { sent, maxTickGapMs } = await pacedSends(
    config.rate,
    config.warmupMs + config.durationMs,
    (count, elapsedMs) => {
      // a client that cannot keep up must not make the generator queue records without bound
      if (ledger.unsettled + count > maxOutstanding) {
        skipped += count
        return
      }
      const measured = elapsedMs >= config.warmupMs
      const values = new Array<Buffer>(count)
      for (let i = 0; i < count; i++) values[i] = latencyValue(seq++, measured)
      ledger.started(count)
      sendBurst(values, ledger, performance.now())
    },
  )
  await ledger.drained()
  const { seconds, cpuSeconds } = window.finish()
  return {
    sent: sent - skipped,
    skipped,
    maxTickGapMs,
    acknowledged: ledger.acknowledged,
    ackLatency: ledger.ackLatency.summary(),
    failed: ledger.failed,
    ...(ledger.firstError ? { firstError: ledger.firstError } : {}),
    seconds,
    cpuSeconds,
    peakRssBytes: peakRssBytes(),
    method,
  }
}
