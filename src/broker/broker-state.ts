import { BrokerCounters, type BrokerMetrics, brokerMetrics } from './broker-metrics.js'
import { type Clock, systemClock } from './clock.js'
import { resolveClusterId } from './cluster-id.js'
import { prepareDataDir } from './data-dir.js'
import { PartitionWatchers } from './fetch/partition-watchers.js'
import { GroupCoordinator } from './groups/group-coordinator.js'
import { MemoryBudget, type MemoryRelease, type MemoryStats } from './log/memory-budget.js'
import { createLogFactory } from './log-factory.js'
import { RateLimitedLog } from './network/rate-limited-log.js'
import type { ResolvedBrokerOptions } from './options.js'
import { ProducerIdAllocator } from './producers/producer-id-allocator.js'
import { ProducerIdManager } from './producers/producer-id-manager.js'
import { ProducerStateRegistry } from './producers/producer-state-registry.js'
import { TopicStore } from './topics/topic-store.js'

/** Idempotent producers one partition remembers before forgetting the least recently active. */
const MAX_PRODUCERS_PER_PARTITION = 10_000

/**
 * Everything a broker keeps that is not about connections: topics and their
 * logs, parked fetches, consumer groups, producer ids. One broker node owns
 * one; the nodes of a test cluster share one (placement is simulated, the
 * data is not replicated).
 */
export class BrokerState {
  readonly topics: TopicStore
  readonly watchers: PartitionWatchers
  readonly groups: GroupCoordinator
  readonly producerIds: ProducerIdManager
  readonly producerStates: ProducerStateRegistry
  readonly clusterId: string
  /** The memory engine's byte budget; holds nothing with a data directory. */
  readonly memoryBudget: MemoryBudget
  /** Requests, connections and appends counted as they happen (broker-metrics.ts). */
  readonly counters = new BrokerCounters()
  private retentionTimer: NodeJS.Timeout | undefined

  constructor(
    readonly options: ResolvedBrokerOptions,
    readonly clock: Clock = systemClock,
  ) {
    // before the cluster id, the producer ids and the stores touch it
    if (options.dataDir !== undefined) prepareDataDir(options.dataDir)
    const logger = options.logger
    this.watchers = new PartitionWatchers(clock)
    const releaseLog = new RateLimitedLog(logger, clock, 'warn', RELEASE_LOG_INTERVAL_MS)
    this.memoryBudget = new MemoryBudget(
      options.memoryBudgetBytes === -1 ? Number.POSITIVE_INFINITY : options.memoryBudgetBytes,
      (release) => releaseLog.log(describeRelease(release)),
    )
    this.topics = new TopicStore(
      options.dataDir,
      createLogFactory(options, clock, this.memoryBudget),
      logger,
      topicDefaults(options),
    )
    this.clusterId = resolveClusterId(options.dataDir, options.clusterId)
    this.groups = new GroupCoordinator(
      {
        initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs,
        minSessionTimeoutMs: options.groupMinSessionTimeoutMs,
        maxSessionTimeoutMs: options.groupMaxSessionTimeoutMs,
        offsetMetadataMaxBytes: options.offsetMetadataMaxBytes,
        dataDir: options.dataDir,
        fsync: options.fsync,
        flushIntervalMs: options.flushIntervalMs,
      },
      clock,
      logger,
    )
    this.producerIds = new ProducerIdManager(new ProducerIdAllocator(options.dataDir))
    this.producerStates = new ProducerStateRegistry(
      { expirationMs: options.producerIdExpirationMs, maxProducers: MAX_PRODUCERS_PER_PARTITION },
      clock,
    )
  }

  get logger() {
    return this.options.logger
  }

  /** The memory engine's budget and what it released (the counters tests and operators read). */
  memoryStats(): MemoryStats {
    return this.memoryBudget.stats()
  }

  /** Requests, connections, appends and every partition's offsets, as plain data. */
  metrics(): BrokerMetrics {
    return brokerMetrics(this.counters, this.topics, this.memoryStats())
  }

  /** How the start line describes where records are kept. */
  describeStorage(): string {
    const { dataDir, memoryBudgetBytes } = this.options
    if (dataDir) return `data in ${dataDir}`
    if (memoryBudgetBytes === -1) return 'in memory, no memory budget'
    return `in memory, memory budget ${mebibytes(memoryBudgetBytes)}: the oldest records of the largest partitions go first when it is full`
  }

  /** Loads topics and groups from the data directory and starts retention. */
  async load(): Promise<void> {
    await this.topics.load()
    await this.groups.load()
    this.retentionTimer = setInterval(() => this.applyRetention(), this.options.retentionCheckIntervalMs)
    this.retentionTimer.unref()
  }

  private applyRetention(): void {
    const now = this.clock.now()
    for (const topic of this.topics.list()) {
      for (const p of topic.partitions) {
        try {
          p.log.applyRetention(now)
        } catch (err) {
          this.logger.error(`retention on ${topic.name}-${p.index} failed: ${(err as Error).message}`)
        }
      }
    }
  }

  /**
   * First step of a shutdown: parked fetches, JoinGroups and SyncGroups are
   * answered at once, so that connections can drain. The returned promise
   * settles when the group coordinator has stopped.
   */
  releaseWaiters(): Promise<void> {
    clearInterval(this.retentionTimer)
    this.watchers.expireAll()
    const groupsClosed = this.groups.close()
    // awaited by close(); until then a failure must not count as unhandled
    groupsClosed.catch(() => {})
    return groupsClosed
  }

  /** Last step of a shutdown, once no connection is left: flushes and closes every store. */
  async close(groupsClosed: Promise<void>): Promise<void> {
    await this.topics.flush()
    await this.topics.close()
    await groupsClosed
  }
}

/** At most one "memory budget reached" line per minute; it counts the releases it did not report. */
const RELEASE_LOG_INTERVAL_MS = 60_000

function mebibytes(bytes: number): string {
  const mib = bytes / (1024 * 1024)
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`
}

function describeRelease(r: MemoryRelease): string {
  const shown = r.partitions
    .slice(0, 3)
    .map((p) => `${p.name} (log start now ${p.logStartOffset})`)
    .join(', ')
  const more = r.partitions.length > 3 ? ` and ${r.partitions.length - 3} more` : ''
  return (
    `memory budget of ${mebibytes(r.budgetBytes)} reached: released ${mebibytes(r.bytes)} ` +
    `(${r.batches} oldest batches) of ${shown}${more}; consumers behind a log start get OFFSET_OUT_OF_RANGE`
  )
}

/** The broker options that set a topic config's default, as Kafka's log.* settings do. */
const TOPIC_DEFAULT_OPTIONS = [
  ['retention.ms', 'retentionMs'],
  ['retention.bytes', 'retentionBytes'],
  ['segment.bytes', 'segmentBytes'],
  ['segment.ms', 'segmentMs'],
] as const

/**
 * Topic config defaults from the options that were given. Those left out
 * are Kafka's defaults (the same values), which DescribeConfigs reports as
 * DEFAULT_CONFIG rather than as a broker setting, as Kafka does for a
 * log.* key its server.properties does not set.
 */
function topicDefaults(o: ResolvedBrokerOptions): Map<string, string> {
  return new Map(
    TOPIC_DEFAULT_OPTIONS.filter(([, option]) => o.configured.has(option)).map(([config, option]) => [
      config,
      String(o[option]),
    ]),
  )
}
