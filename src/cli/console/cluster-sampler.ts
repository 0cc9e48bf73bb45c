import type { Admin } from '../../client/admin/admin.js'
import { MAX_GROUPS, MAX_TOPICS } from './cluster-view.js'
import type { ConsoleSample } from './console-sample.js'

interface Reading {
  readonly at: number
  /** Log end offset of each partition. */
  readonly ends: Map<string, number>
  /** Committed offset of each group and partition. */
  readonly committed: Map<string, number>
  readonly lag: number
}

const call = { timeoutMs: 5_000 }

/** How much a counter moved between two readings, over the keys both have (a topic deleted or created between them does not count). */
function growth(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0
  for (const [key, value] of after) {
    const previous = before.get(key)
    if (previous !== undefined && value > previous) total += value - previous
  }
  return total
}

/**
 * The console's live figures when no demo feeds it: what any Kafka shows
 * from outside. Each reading takes every partition's log end offset and
 * every group's committed offsets and lag; the produce rate is how fast log
 * ends moved since the previous reading, the consume rate how fast commits
 * moved (a consumer's progress as the cluster sees it, so it moves in
 * steps of its commit interval).
 */
export class ClusterSampler {
  private previous: Reading | undefined

  constructor(private readonly admin: Admin) {}

  async sample(): Promise<ConsoleSample> {
    const reading = await this.read()
    const previous = this.previous
    this.previous = reading
    const seconds = previous ? (reading.at - previous.at) / 1000 : 0
    const rate = (moved: number) => (seconds > 0 ? moved / seconds : 0)
    return {
      at: reading.at,
      source: 'cluster',
      producedPerSecond: previous ? rate(growth(previous.ends, reading.ends)) : 0,
      consumedPerSecond: previous ? rate(growth(previous.committed, reading.committed)) : 0,
      lag: reading.lag,
      backpressure: null,
      live: null,
    }
  }

  private async read(): Promise<Reading> {
    const [ends, groups] = await Promise.all([this.readEnds(), this.readGroups()])
    return { at: Date.now(), ends, ...groups }
  }

  private async readEnds(): Promise<Map<string, number>> {
    const names = (await this.admin.listTopics(call)).slice(0, MAX_TOPICS)
    if (names.length === 0) return new Map()
    const topics = await this.admin.describeTopics(names, call)
    const queries = topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, at: 'latest' as const })),
    )
    const offsets = queries.length > 0 ? await this.admin.listOffsets(queries, call) : []
    return new Map(offsets.map((o) => [`${o.topic}\u0000${o.partition}`, Number(o.offset)]))
  }

  private async readGroups(): Promise<{ committed: Map<string, number>; lag: number }> {
    const ids = (await this.admin.listGroups(call)).slice(0, MAX_GROUPS).map((g) => g.groupId)
    const lags = await Promise.all(ids.map((id) => this.admin.lag(id, call)))
    const committed = new Map<string, number>()
    let lag = 0
    for (const group of lags) {
      lag += Number(group.totalLag)
      for (const p of group.partitions) {
        if (p.committed >= 0n)
          committed.set(`${group.groupId}\u0000${p.topic}\u0000${p.partition}`, Number(p.committed))
      }
    }
    return { committed, lag }
  }
}
