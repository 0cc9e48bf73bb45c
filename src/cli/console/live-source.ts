import type { LiveFeed } from '../live/live-snapshot.js'
import type { ClusterSampler } from './cluster-sampler.js'
import { type ConsoleSample, sampleFromSnapshot } from './console-sample.js'

/** Where the live charts' points come from: the demo's feed, or polling the cluster. Runs only while a page watches. */
export interface LiveSource {
  /** The points kept, oldest first, for a page that opens late. */
  history(): readonly ConsoleSample[]
  start(): void
  /** Stops and waits for a reading under way; leaves no timer. */
  stop(): Promise<void>
}

export type SampleListener = (sample: ConsoleSample) => void

/** Points from the demo's LiveFeed: one per snapshot it publishes, its own history first. */
export class FeedSource implements LiveSource {
  private unsubscribe: (() => void) | undefined

  constructor(
    private readonly feed: LiveFeed,
    private readonly onSample: SampleListener,
  ) {}

  /** The feed's history; only the last point keeps the whole snapshot (the page shows just the latest), which keeps 300 points under 100 KiB of JSON. */
  history(): readonly ConsoleSample[] {
    const recent = this.feed.recent()
    return recent.map((snapshot, i) => {
      const sample = sampleFromSnapshot(snapshot)
      return i === recent.length - 1 ? sample : { ...sample, live: null }
    })
  }

  start(): void {
    this.unsubscribe ??= this.feed.subscribe((snapshot) => this.onSample(sampleFromSnapshot(snapshot)))
  }

  async stop(): Promise<void> {
    this.unsubscribe?.()
    this.unsubscribe = undefined
  }
}

/** Points read from the cluster every `intervalMs`, one reading at a time, the last `keep` kept. */
export class PollingSource implements LiveSource {
  private readonly kept: ConsoleSample[] = []
  private timer: NodeJS.Timeout | undefined
  private reading: Promise<void> | undefined
  private running = false

  constructor(
    private readonly sampler: ClusterSampler,
    private readonly options: {
      intervalMs: number
      keep: number
      onSample: SampleListener
      onProblem: (message: string) => void
    },
  ) {}

  history(): readonly ConsoleSample[] {
    return this.kept
  }

  start(): void {
    if (this.running) return
    this.running = true
    if (!this.reading) this.readNow()
  }

  async stop(): Promise<void> {
    this.running = false
    clearTimeout(this.timer)
    this.timer = undefined
    await this.reading
  }

  private readNow(): void {
    this.timer = undefined
    this.reading = this.sampler.sample().then(
      (sample) => {
        this.kept.push(sample)
        if (this.kept.length > this.options.keep) this.kept.shift()
        if (this.running) this.options.onSample(sample)
      },
      (err: unknown) => {
        if (this.running) this.options.onProblem((err as Error).message)
      },
    )
    this.reading.finally(() => {
      this.reading = undefined
      if (this.running) this.timer = setTimeout(() => this.readNow(), this.options.intervalMs)
    })
  }
}
