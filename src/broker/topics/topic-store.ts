import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PartitionWatchers } from '../fetch/partition-watchers.js'
import type { PartitionLog } from '../log/partition-log.js'
import type { Logger } from '../logger.js'
import { logSettingsOf } from './log-settings.js'
import type { Partition, Topic } from './topic.js'
import { TopicConfig } from './topic-config.js'

/**
 * Opens (creating or recovering) the log of one partition; `dir` is undefined
 * for the memory engine, `name` is `topic-partition` for log lines.
 */
export type PartitionLogFactory = (
  dir: string | undefined,
  config: TopicConfig,
  name: string,
) => Promise<PartitionLog>

interface StoredTopic {
  name: string
  id: string
  partitions: number
  configs: Record<string, string>
}

const TOPICS_FILE = 'topics.json'

/**
 * The broker's topics: names, ids, partition logs and configs. With a data
 * directory, topic definitions persist in `topics.json` (written to a
 * temporary file and renamed, so a crash leaves the old or the new file,
 * never half of one) and each partition's log lives in `<topic>-<n>/`.
 */
export class TopicStore {
  private readonly topics = new Map<string, Topic>()
  private readonly byId = new Map<string, Topic>()

  constructor(
    private readonly dataDir: string | undefined,
    private readonly openLog: PartitionLogFactory,
    private readonly logger: Logger,
    /** Topic config defaults taken from the broker's options. */
    private readonly brokerDefaults: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** Creations under way, so that two requests auto-creating one topic share the work. */
  private readonly creating = new Map<string, Promise<Topic>>()

  /** Reopens every topic recorded in the data directory. */
  async load(): Promise<void> {
    if (!this.dataDir) return
    mkdirSync(this.dataDir, { recursive: true })
    let stored: StoredTopic[]
    try {
      stored = JSON.parse(readFileSync(join(this.dataDir, TOPICS_FILE), 'utf8')) as StoredTopic[]
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      throw new Error(`cannot read ${join(this.dataDir, TOPICS_FILE)}: ${(err as Error).message}`)
    }
    for (const t of stored) {
      const config = new TopicConfig(new Map(Object.entries(t.configs)), this.brokerDefaults)
      const topic: Topic = { name: t.name, id: t.id, partitions: [], config }
      for (let i = 0; i < t.partitions; i++)
        topic.partitions.push(await this.openPartition(t.name, i, config))
      this.add(topic)
    }
    this.logger.info(`loaded ${stored.length} topics from ${this.dataDir}`)
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name)
  }

  getById(id: string): Topic | undefined {
    return this.byId.get(id)
  }

  list(): Topic[] {
    return [...this.topics.values()]
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.topics.get(topic)?.partitions[index]
  }

  /** The topic, created with `partitions` and no overrides if it does not exist yet. */
  async getOrCreate(name: string, partitions: number): Promise<Topic> {
    return this.topics.get(name) ?? this.creating.get(name) ?? this.create(name, partitions, new Map())
  }

  /** True while the name is taken, including by a creation still under way. */
  has(name: string): boolean {
    return this.topics.has(name) || this.creating.has(name)
  }

  async create(name: string, partitions: number, overrides: ReadonlyMap<string, string>): Promise<Topic> {
    if (this.has(name)) throw new Error(`topic ${name} already exists`)
    const creation = this.createNew(name, partitions, overrides)
    this.creating.set(name, creation)
    try {
      return await creation
    } finally {
      this.creating.delete(name)
    }
  }

  private async createNew(
    name: string,
    partitions: number,
    overrides: ReadonlyMap<string, string>,
  ): Promise<Topic> {
    const config = new TopicConfig(overrides, this.brokerDefaults)
    const topic: Topic = { name, id: randomUUID(), partitions: [], config }
    for (let i = 0; i < partitions; i++)
      topic.partitions.push(await this.openPartition(name, i, config, true))
    this.add(topic)
    this.persist()
    return topic
  }

  async addPartitions(name: string, total: number): Promise<void> {
    const topic = this.topics.get(name)
    if (!topic) throw new Error(`no topic ${name}`)
    for (let i = topic.partitions.length; i < total; i++) {
      topic.partitions.push(await this.openPartition(name, i, topic.config, true))
    }
    this.persist()
  }

  /**
   * Replaces the topic's overrides (AlterConfigs, IncrementalAlterConfigs):
   * persisted with the topic definitions like those given at creation, and
   * handed to every partition log, where retention and segment settings take
   * effect at the next append or retention pass. Configs read per request
   * (max.message.bytes, message.timestamp.type) apply from the next request.
   */
  setOverrides(name: string, overrides: ReadonlyMap<string, string>): Topic {
    const topic = this.topics.get(name)
    if (!topic) throw new Error(`no topic ${name}`)
    const previous = topic.config
    topic.config = previous.withOverrides(overrides)
    try {
      this.persist()
    } catch (err) {
      topic.config = previous
      throw err
    }
    const settings = logSettingsOf(topic.config)
    for (const p of topic.partitions) p.log.configure(settings)
    return topic
  }

  async delete(name: string): Promise<void> {
    const topic = this.topics.get(name)
    if (!topic) return
    this.topics.delete(name)
    this.byId.delete(topic.id)
    this.persist()
    for (const p of topic.partitions) await p.log.destroy()
  }

  async flush(): Promise<void> {
    await this.eachLog('flush', (p) => p.log.flush())
  }

  /** Closes every log even when some fail; reports the failures afterwards. */
  async close(): Promise<void> {
    await this.eachLog('close', (p) => p.log.close())
  }

  private async eachLog(what: string, action: (p: Partition) => Promise<void>): Promise<void> {
    const all = this.list().flatMap((t) => t.partitions)
    const results = await Promise.allSettled(all.map(action))
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${all[i].topic}-${all[i].index}: ${r.reason}`] : [],
    )
    if (failed.length > 0) throw new Error(`${what} failed for ${failed.join('; ')}`)
  }

  private add(topic: Topic): void {
    this.topics.set(topic.name, topic)
    this.byId.set(topic.id, topic)
  }

  /**
   * Opens a partition's log. A new partition starts from an empty directory:
   * leftovers of a deleted topic of the same name (a crash between forgetting
   * the topic and removing its files) must not come back to life.
   */
  private async openPartition(
    topic: string,
    index: number,
    config: TopicConfig,
    fresh = false,
  ): Promise<Partition> {
    const dir = this.dataDir ? join(this.dataDir, `${topic}-${index}`) : undefined
    if (dir && fresh) rmSync(dir, { recursive: true, force: true })
    const log = await this.openLog(dir, config, `${topic}-${index}`)
    return { topic, index, log, watchKey: PartitionWatchers.key(topic, index) }
  }

  private persist(): void {
    if (!this.dataDir) return
    const stored: StoredTopic[] = this.list().map((t) => ({
      name: t.name,
      id: t.id,
      partitions: t.partitions.length,
      configs: Object.fromEntries(t.config.overrides),
    }))
    const file = join(this.dataDir, TOPICS_FILE)
    writeFileSync(`${file}.tmp`, JSON.stringify(stored, null, 2))
    renameSync(`${file}.tmp`, file)
  }
}
