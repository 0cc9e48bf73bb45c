import { Kafka, logLevel } from 'kafkajs'

/**
 * The checker's view of a group's progress, through kafkajs (another
 * client, not the code under test): each partition's log end and the
 * group's committed offset. Lag = log end - committed, summed over the
 * partitions; a partition with nothing committed counts from 0 (the topic
 * is fresh, its log starts there).
 */

export interface GroupOffsets {
  /** Log end offset (high watermark) per partition. */
  readonly ends: number[]
  /** Committed offset per partition, 0 when none. */
  readonly committed: number[]
}

export const totalLag = (o: GroupOffsets) => o.ends.reduce((sum, end, p) => sum + end - o.committed[p], 0)

export class OffsetProbe {
  private readonly admin

  constructor(
    bootstrap: string,
    private readonly topic: string,
    private readonly groupId: string,
  ) {
    const kafka = new Kafka({
      clientId: 'reliability-checker',
      brokers: bootstrap.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2000 },
    })
    this.admin = kafka.admin()
  }

  connect(): Promise<void> {
    return this.admin.connect()
  }

  async createTopic(partitions: number): Promise<void> {
    await this.admin.createTopics({
      topics: [{ topic: this.topic, numPartitions: partitions }],
      waitForLeaders: true,
    })
  }

  async read(): Promise<GroupOffsets> {
    const [ends, groups] = await Promise.all([
      this.admin.fetchTopicOffsets(this.topic),
      this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] }),
    ])
    const size = ends.length
    const out: GroupOffsets = { ends: new Array(size).fill(0), committed: new Array(size).fill(0) }
    for (const e of ends) out.ends[e.partition] = Number(e.high)
    for (const p of groups.find((g) => g.topic === this.topic)?.partitions ?? []) {
      out.committed[p.partition] = Math.max(0, Number(p.offset))
    }
    return out
  }

  close(): Promise<void> {
    return this.admin.disconnect()
  }
}

export interface LagSample {
  readonly atSeconds: number
  readonly lag: number
  readonly end: number
}

/** Reads the lag every `everyMs` until stopped; a failed read is skipped (the next one counts). */
export function sampleLag(probe: OffsetProbe, everyMs: number): { stop(): Promise<LagSample[]> } {
  const samples: LagSample[] = []
  const started = performance.now()
  let stopped = false
  let wake: (() => void) | undefined
  const loop = (async () => {
    while (!stopped) {
      await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, everyMs)
      })
      if (stopped) break
      const o = await probe.read().catch(() => undefined)
      if (o) {
        const end = o.ends.reduce((a, b) => a + b, 0)
        samples.push({ atSeconds: (performance.now() - started) / 1000, lag: totalLag(o), end })
      }
    }
  })()
  return {
    async stop() {
      stopped = true
      wake?.()
      await loop
      return samples
    },
  }
}
