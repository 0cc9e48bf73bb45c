import type { Producer } from '../../client/index.js'
import type { LiveSnapshot } from '../live/live-snapshot.js'
import type { DeliveryLedger } from './delivery-ledger.js'
import type { DemoConsumerGroup } from './demo-consumer-group.js'
import type { DemoControls } from './demo-controls.js'
import type { PacedOrders } from './paced-orders.js'

export interface SamplerParts {
  readonly producer: Producer
  readonly source: PacedOrders
  readonly group: DemoConsumerGroup
  readonly ledger: DeliveryLedger
  readonly controls: DemoControls
  readonly memberBudgetBytes: number
  readonly startedAt: number
  readonly now?: () => number
}

/**
 * Takes the demo's snapshots. `snapshot()` is meant to run once a second:
 * it is the only caller of `producer.metrics()`, whose rates are "since the
 * previous call". `samplePeaks()` runs more often, since the peaks (buffer
 * bytes, RSS) are what the summary checks and a second is long enough to
 * miss one.
 */
export class DemoSampler {
  private readonly now: () => number
  private last: { at: number; processed: number }
  peakRssBytes = 0

  constructor(private readonly parts: SamplerParts) {
    this.now = parts.now ?? Date.now
    this.last = { at: parts.startedAt, processed: 0 }
  }

  samplePeaks(): void {
    this.parts.group.samplePeak()
    const rss = process.memoryUsage.rss()
    if (rss > this.peakRssBytes) this.peakRssBytes = rss
  }

  snapshot(): LiveSnapshot {
    const { producer, source, group, ledger, controls } = this.parts
    this.samplePeaks()
    const at = this.now()
    const p = producer.metrics()
    const g = group.sample()
    const counts = ledger.counts()
    const seconds = Math.max(1e-3, (at - this.last.at) / 1000)
    const consumeRate = (counts.processed - this.last.processed) / seconds
    this.last = { at, processed: counts.processed }
    const memory = process.memoryUsage()
    return {
      at,
      elapsedSeconds: (at - this.parts.startedAt) / 1000,
      producer: {
        recordsPerSecond: p.recordsPerSecond,
        targetRate: controls.rate,
        bufferBytesUsed: p.bufferBytesUsed,
        bufferBytesTotal: p.bufferBytesTotal,
        sendersWaiting: p.sendersWaiting,
        inFlightRequests: p.requestsInFlight,
        retries: p.retries,
        drops: p.drops,
        errors: p.errors,
        acknowledged: counts.acknowledged,
      },
      consumer: {
        recordsPerSecond: consumeRate,
        handlerMs: controls.delayMs(),
        members: g.members,
        // acknowledged and not yet finished: what Kafka calls lag, counted by the demo's own ledger
        // so that it holds steady while partitions change hands
        lag: counts.outstanding,
        bufferedBytes: g.bufferedBytes,
        maxBufferedBytes: g.maxBufferedBytes,
        bufferedRecords: g.bufferedRecords,
        pausedPartitions: g.pausedPartitions,
        partitions: g.partitions,
        inFlight: g.inFlight,
        concurrency: g.concurrency,
        retries: g.retries,
        failedAttempts: g.failedAttempts,
        drops: counts.dropped,
        overflow: g.overflow,
        breaker: g.breaker,
        processed: counts.processed,
        duplicates: counts.duplicates,
      },
      process: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
      demo: {
        produced: source.produced,
        failing: controls.failing(),
        breakerOpens: group.breakerOpens,
        breakerCloses: group.breakerCloses,
        rebalances: group.rebalances,
        skipped: counts.skipped,
        peakMemberBufferedBytes: group.peakMemberBufferedBytes,
        memberBudgetBytes: this.parts.memberBudgetBytes,
        peakRssBytes: this.peakRssBytes,
        changingMembers: group.changing,
      },
    }
  }
}
