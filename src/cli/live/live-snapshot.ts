/**
 * What the demo measures once a second, in one plain object: the terminal
 * view draws it, the web console pushes it to the page (server-sent events)
 * and the demo's summary is made from the last one. Plain data (numbers,
 * strings, arrays) so it crosses JSON unchanged.
 */
export interface LiveSnapshot {
  /** Milliseconds since the epoch when it was taken. */
  readonly at: number
  /** Seconds since the run started. */
  readonly elapsedSeconds: number
  readonly producer: {
    readonly recordsPerSecond: number
    readonly targetRate: number
    readonly bufferBytesUsed: number
    readonly bufferBytesTotal: number
    readonly sendersWaiting: number
    readonly inFlightRequests: number
    readonly retries: number
    readonly drops: number
    readonly errors: number
    /** Records acknowledged since the start. */
    readonly acknowledged: number
  }
  readonly consumer: {
    readonly recordsPerSecond: number
    readonly handlerMs: number
    readonly members: number
    readonly lag: number
    readonly bufferedBytes: number
    readonly maxBufferedBytes: number
    readonly bufferedRecords: number
    readonly pausedPartitions: number
    readonly partitions: number
    readonly inFlight: number
    readonly concurrency: number
    readonly retries: number
    readonly failedAttempts: number
    /** Drops by overflow policy, in all. */
    readonly drops: number
    readonly overflow: string
    readonly breaker: 'closed' | 'open' | 'half-open' | 'none'
    /** Records whose handler finished since the start (first time only). */
    readonly processed: number
    readonly duplicates: number
  }
  readonly process: {
    readonly rssBytes: number
    readonly heapUsedBytes: number
  }
  /** What only the demo knows (its ledger, its failure switch); absent from other feeds. */
  readonly demo?: {
    /** Records handed to the producer since the start. */
    readonly produced: number
    /** Handler failures are being injected now (key x, or the --fail-at window). */
    readonly failing: boolean
    readonly breakerOpens: number
    readonly breakerCloses: number
    /** Rebalances that gave a member partitions. */
    readonly rebalances: number
    /** Records the failure policy skipped after their last attempt. */
    readonly skipped: number
    /** The most any one member held, against one member's budget (the bound the demo checks). */
    readonly peakMemberBufferedBytes: number
    readonly memberBudgetBytes: number
    readonly peakRssBytes: number
    /** A membership change (add, remove, overflow switch) is under way. */
    readonly changingMembers: boolean
  }
}

type Listener = (snapshot: LiveSnapshot) => void

/** The latest snapshot and whoever wants the next ones (the console's event streams). */
export class LiveFeed {
  private last: LiveSnapshot | undefined
  private readonly listeners = new Set<Listener>()
  private readonly history: LiveSnapshot[] = []

  constructor(private readonly keep = 300) {}

  publish(snapshot: LiveSnapshot): void {
    this.last = snapshot
    this.history.push(snapshot)
    if (this.history.length > this.keep) this.history.shift()
    for (const listener of this.listeners) listener(snapshot)
  }

  latest(): LiveSnapshot | undefined {
    return this.last
  }

  /** The last `keep` snapshots, oldest first: a page that opens late still draws its charts from the start. */
  recent(): readonly LiveSnapshot[] {
    return this.history
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
