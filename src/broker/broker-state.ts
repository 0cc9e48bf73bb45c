import { type Clock, systemClock } from './clock.js'
import { resolveClusterId } from './cluster-id.js'
import { prepareDataDir } from './data-dir.js'
import { PartitionWatchers } from './fetch/partition-watchers.js'
import { GroupCoordinator } from './groups/group-coordinator.js'
import { createLogFactory } from './log-factory.js'
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
  private retentionTimer: NodeJS.Timeout | undefined

  constructor(
    readonly options: ResolvedBrokerOptions,
    readonly clock: Clock = systemClock,
  ) {
    // before the cluster id, the producer ids and the stores touch it
    if (options.dataDir !== undefined) prepareDataDir(options.dataDir)
    const logger = options.logger
    this.watchers = new PartitionWatchers(clock)
    this.topics = new TopicStore(
      options.dataDir,
      createLogFactory(options, clock),
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

/** Topic config defaults that come from the broker's options (Kafka's log.* settings). */
function topicDefaults(o: ResolvedBrokerOptions): Map<string, string> {
  return new Map([
    ['retention.ms', String(o.retentionMs)],
    ['retention.bytes', String(o.retentionBytes)],
    ['segment.bytes', String(o.segmentBytes)],
    ['segment.ms', String(o.segmentMs)],
  ])
}
