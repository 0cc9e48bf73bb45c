import type { Consumer, ConsumerMessage, ConsumerMetrics, Kafka, Overflow } from '../../client/index.js'
import type { LiveSnapshot } from '../live/live-snapshot.js'

/** A member's counters that must outlive it: the view shows totals for the whole run. */
interface RetiredCounters {
  retries: number
  failedAttempts: number
  drops: number
}

interface Member {
  readonly id: number
  readonly consumer: Consumer
  readonly running: Promise<void>
  readonly overflow: Overflow
  peakBufferedBytes: number
}

export interface GroupSettings {
  readonly topic: string
  readonly groupId: string
  readonly budgetBytes: number
  readonly concurrency: number
  /** Partitions of the topic: each gets an equal share of a member's budget. */
  readonly partitions: number
  /** The largest Fetch answer a member asks for: the most its buffer can pass its budget by. */
  readonly fetchMaxBytes: number
  readonly handler: (message: ConsumerMessage) => Promise<void>
  readonly onDrop: (partition: number, offset: number) => void
  readonly onSkip: (partition: number, offset: number) => void
  /** A member's run ended with an error (its failure policy stopped it): the demo reports it. */
  readonly onFatal: (error: Error) => void
  /** A member joined the run (for metrics collectors), and one left it after closing. */
  readonly onMemberStarted?: (consumer: Consumer, id: number) => void
  readonly onMemberRetired?: (consumer: Consumer, id: number) => void
}

type ConsumerFigures = LiveSnapshot['consumer']

export type BreakerState = ConsumerFigures['breaker']

/** What the group looks like now, summed over its members: the snapshot's consumer figures the group knows. */
export type GroupSample = Pick<
  ConsumerFigures,
  | 'members'
  | 'overflow'
  | 'lag'
  | 'bufferedBytes'
  | 'maxBufferedBytes'
  | 'bufferedRecords'
  | 'pausedPartitions'
  | 'partitions'
  | 'inFlight'
  | 'concurrency'
  | 'retries'
  | 'failedAttempts'
  | 'drops'
  | 'breaker'
> & { readonly rebalances: number }

const BREAKER_RANK: Record<BreakerState, number> = { none: 0, closed: 1, 'half-open': 2, open: 3 }
/** How long a new member may take to be given partitions before the old one it replaces goes anyway. */
const JOIN_WAIT_MS = 15_000

/**
 * The demo's consumer group: members are added (`a`), removed (`r`) and
 * replaced one by one when the overflow policy changes (`o`: it is a
 * constructor option), each change a cooperative-sticky rebalance that
 * moves only the partitions that change hands. Changes run one at a time.
 */
export class DemoConsumerGroup {
  private readonly members: Member[] = []
  private readonly retired: RetiredCounters = { retries: 0, failedAttempts: 0, drops: 0 }
  private nextId = 1
  private changes: Promise<void> = Promise.resolve()
  private pendingChanges = 0
  private closed = false
  private readonly onClose = new Set<() => void>()
  /** Breaker transitions over the whole run, all members. */
  breakerOpens = 0
  breakerCloses = 0
  rebalances = 0
  /** Largest buffer any one member held, and its budget: the bound the demo checks. */
  peakMemberBufferedBytes = 0
  overflow: Overflow

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: GroupSettings,
    overflow: Overflow,
  ) {
    this.overflow = overflow
  }

  get size(): number {
    return this.members.length
  }

  /** A membership change is running or waiting. */
  get changing(): boolean {
    return this.pendingChanges > 0
  }

  /** Starts `count` members at once (the first join). */
  start(count: number): void {
    for (let i = 0; i < count; i++) this.members.push(this.startMember(this.overflow))
  }

  add(): Promise<void> {
    return this.change(async () => {
      const fresh = this.startMember(this.overflow)
      this.members.push(fresh)
      await this.assigned(fresh.consumer)
    })
  }

  /** Closes the newest member (drains, commits, leaves); the last one stays. */
  remove(): Promise<void> {
    return this.change(async () => {
      if (this.members.length <= 1) return
      await this.retire(this.members.pop()!)
    })
  }

  /** Every member replaced by one with `overflow`, one at a time, so the group keeps consuming. */
  setOverflow(overflow: Overflow): Promise<void> {
    this.overflow = overflow
    return this.change(async () => {
      for (const old of [...this.members]) {
        if (this.closed) return
        if (old.overflow === overflow) continue
        const fresh = this.startMember(overflow)
        this.members.splice(this.members.indexOf(old), 1, fresh)
        await this.assigned(fresh.consumer)
        await this.retire(old)
      }
    })
  }

  /** Samples every member's buffer for the peak (called often: the peak is the checked bound). */
  samplePeak(): void {
    for (const m of this.members) {
      const bytes = m.consumer.metrics().bufferedBytes
      if (bytes > m.peakBufferedBytes) m.peakBufferedBytes = bytes
      if (bytes > this.peakMemberBufferedBytes) this.peakMemberBufferedBytes = bytes
    }
  }

  sample(): GroupSample {
    const all: ConsumerMetrics[] = this.members.map((m) => m.consumer.metrics())
    const sum = (f: (m: ConsumerMetrics) => number) => all.reduce((n, m) => n + f(m), 0)
    let breaker: BreakerState = 'none'
    for (const m of all) {
      const state: BreakerState = m.breaker ?? 'none'
      if (BREAKER_RANK[state] > BREAKER_RANK[breaker]) breaker = state
    }
    const overflows = [...new Set(this.members.map((m) => m.overflow))]
    return {
      members: all.length,
      overflow: overflows.length <= 1 ? this.overflow : overflows.join('→'),
      lag: sum((m) => m.totalLag),
      bufferedBytes: sum((m) => m.bufferedBytes),
      maxBufferedBytes: sum((m) => m.maxBufferedBytes),
      bufferedRecords: sum((m) => m.bufferedRecords),
      pausedPartitions: sum((m) => m.partitions.filter((p) => p.paused).length),
      partitions: sum((m) => m.partitions.length),
      inFlight: sum((m) => m.inFlight),
      concurrency: sum((m) => m.concurrency),
      retries: this.retired.retries + sum((m) => m.retries),
      failedAttempts: this.retired.failedAttempts + sum((m) => m.failedAttempts),
      drops: this.retired.drops + sum(dropCount),
      breaker,
      rebalances: this.rebalances,
    }
  }

  /** Closes every member: each drains what runs, commits and leaves. */
  async close(): Promise<void> {
    this.closed = true
    for (const wake of this.onClose) wake()
    await this.changes
    await Promise.all(this.members.splice(0).map((m) => this.retire(m)))
  }

  private change(work: () => Promise<void>): Promise<void> {
    this.pendingChanges++
    const run = this.changes.then(() => (this.closed ? undefined : work()))
    this.changes = run.then(
      () => {
        this.pendingChanges--
      },
      (err) => {
        this.pendingChanges--
        this.settings.onFatal(err as Error)
      },
    )
    return this.changes
  }

  private startMember(overflow: Overflow): Member {
    const s = this.settings
    const consumer = this.kafka.consumer({
      groupId: s.groupId,
      topics: [s.topic],
      fromBeginning: true,
      ordering: 'key',
      concurrency: s.concurrency,
      maxBufferedBytes: s.budgetBytes,
      // each partition pauses at its share of the budget and resumes at half of it. (The share also
      // keeps the consumer-wide budget from being the only thing that pauses: a consumer whose whole
      // budget filled while its breaker was open stopped fetching for good once it drained, see the
      // report of issue 14; the per-partition watermarks wake the fetcher as they drain.)
      partitionBufferBytes: Math.max(1024, Math.floor(s.budgetBytes / s.partitions)),
      fetch: { maxBytes: s.fetchMaxBytes, partitionMaxBytes: s.fetchMaxBytes, maxWaitMs: 100 },
      overflow,
      valueDeserializer: 'json',
      // failures (key x, --fail-at) are retried until they stop; the breaker pauses fetching meanwhile
      attempts: 1000,
      retryBackoffMs: 100,
      retryBackoffMaxMs: 1000,
      onFailure: 'skip',
      circuitBreaker: { failureThreshold: 5, openMs: 1500 },
      commitIntervalMs: 1000,
      heartbeatIntervalMs: 1000,
      sessionTimeoutMs: 10_000,
      revokeDrainMs: 5000,
    })
    consumer.on('drop', (e) => s.onDrop(e.partition, Number(e.offset)))
    consumer.on('skip', (e) => s.onSkip(e.partition, Number(e.offset)))
    consumer.on('rebalance', (e) => {
      if (e.type === 'assigned' && e.partitions.length > 0) this.rebalances++
    })
    consumer.on('breaker', ({ state }) => {
      if (state === 'open') this.breakerOpens++
      else if (state === 'closed') this.breakerCloses++
    })
    consumer.on('error', () => {
      // transient errors (a lost connection, a refused commit) are retried by the consumer itself
    })
    const running = consumer.run(s.handler).catch((err: Error) => {
      if (!this.closed) s.onFatal(err)
    })
    const id = this.nextId++
    s.onMemberStarted?.(consumer, id)
    return { id, consumer, running, overflow, peakBufferedBytes: 0 }
  }

  private assigned(consumer: Consumer): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, JOIN_WAIT_MS)
      // closing the group does not wait for a join that no longer matters
      const closing = () => done()
      this.onClose.add(closing)
      const onClose = this.onClose
      function done() {
        clearTimeout(timer)
        onClose.delete(closing)
        consumer.off('rebalance', onRebalance)
        resolve()
      }
      function onRebalance(e: { type: string; partitions: unknown[] }) {
        if (e.type === 'assigned' && e.partitions.length > 0) done()
      }
      consumer.on('rebalance', onRebalance)
    })
  }

  private async retire(member: Member): Promise<void> {
    const last = member.consumer.metrics()
    await member.consumer.close()
    await member.running
    const final = member.consumer.metrics()
    this.retired.retries += Math.max(last.retries, final.retries)
    this.retired.failedAttempts += Math.max(last.failedAttempts, final.failedAttempts)
    this.retired.drops += Math.max(dropCount(last), dropCount(final))
    this.settings.onMemberRetired?.(member.consumer, member.id)
  }
}

function dropCount(m: ConsumerMetrics): number {
  let n = 0
  for (const v of Object.values(m.drops)) n += v
  return n
}
