import { createServer, type Server, type Socket } from 'node:net'
import type { BrokerContext } from './broker-context.js'
import { type Clock, systemClock } from './clock.js'
import { resolveClusterId } from './cluster-id.js'
import { Dispatcher } from './dispatcher.js'
import { PartitionWatchers } from './fetch/partition-watchers.js'
import { GroupCoordinator } from './groups/group-coordinator.js'
import { brokerHandlers } from './handlers/index.js'
import { createLogFactory } from './log-factory.js'
import { Connection } from './network/connection.js'
import { type BrokerOptions, type ResolvedBrokerOptions, resolveBrokerOptions } from './options.js'
import { ProducerIdAllocator } from './producers/producer-id-allocator.js'
import { ProducerIdManager } from './producers/producer-id-manager.js'
import { ProducerStateRegistry } from './producers/producer-state-registry.js'
import { TopicStore } from './topics/topic-store.js'

/** Idempotent producers one partition remembers before forgetting the least recently active. */
const MAX_PRODUCERS_PER_PARTITION = 10_000

export interface RunningBroker {
  /** `host:port` to give clients as their bootstrap server. */
  readonly bootstrap: string
  readonly host: string
  readonly port: number
  /** Stops accepting, answers what is in flight, flushes the logs and releases everything. */
  close(): Promise<void>
}

/**
 * Starts the embedded broker and resolves once it listens. With `port: 0`
 * the OS picks a free port; `bootstrap` says which.
 */
export async function startBroker(
  options: BrokerOptions = {},
  clock: Clock = systemClock,
): Promise<RunningBroker> {
  const resolved = resolveBrokerOptions(options)
  const broker = new EmbeddedBroker(resolved, clock)
  await broker.start()
  return broker
}

class EmbeddedBroker implements RunningBroker {
  private readonly server: Server
  private readonly connections = new Set<Connection>()
  private readonly topics: TopicStore
  private readonly watchers: PartitionWatchers
  private readonly groups: GroupCoordinator
  private readonly dispatcher: Dispatcher
  private readonly context: BrokerContext
  private readonly advertised = { host: '', port: 0 }
  private retentionTimer: NodeJS.Timeout | undefined
  private nextConnectionId = 1
  private closing: Promise<void> | undefined

  constructor(
    private readonly options: ResolvedBrokerOptions,
    clock: Clock,
  ) {
    const logger = options.logger
    this.watchers = new PartitionWatchers(clock)
    this.topics = new TopicStore(
      options.dataDir,
      createLogFactory(options, clock),
      logger,
      topicDefaults(options),
    )
    const clusterId = resolveClusterId(options.dataDir, options.clusterId)
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
    const dispatcherRef: { current?: Dispatcher } = {}
    this.context = {
      options,
      topics: this.topics,
      watchers: this.watchers,
      groups: this.groups,
      producerIds: new ProducerIdManager(new ProducerIdAllocator(options.dataDir)),
      producerStates: new ProducerStateRegistry(
        { expirationMs: options.producerIdExpirationMs, maxProducers: MAX_PRODUCERS_PER_PARTITION },
        clock,
      ),
      clock,
      logger,
      nodeId: options.nodeId,
      clusterId,
      advertised: this.advertised,
      advertisedVersions: () => dispatcherRef.current!.advertisedVersions(),
    }
    this.dispatcher = new Dispatcher(brokerHandlers, this.context)
    dispatcherRef.current = this.dispatcher
    this.server = createServer((socket) => this.accept(socket))
  }

  get host(): string {
    return this.advertised.host
  }

  get port(): number {
    return this.advertised.port
  }

  get bootstrap(): string {
    const host = this.advertised.host.includes(':') ? `[${this.advertised.host}]` : this.advertised.host
    return `${host}:${this.advertised.port}`
  }

  async start(): Promise<void> {
    await this.topics.load()
    await this.groups.load()
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    const address = this.server.address()
    if (address === null || typeof address === 'string') throw new Error('listener has no TCP address')
    const wildcard = address.address === '0.0.0.0' || address.address === '::'
    this.advertised.host = wildcard ? '127.0.0.1' : address.address
    this.advertised.port = address.port
    this.retentionTimer = setInterval(() => this.applyRetention(), this.options.retentionCheckIntervalMs)
    this.retentionTimer.unref()
    this.options.logger.info(
      `listening on ${this.bootstrap} (${this.options.dataDir ? `data in ${this.options.dataDir}` : 'in memory'})`,
    )
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy()
      return
    }
    const connection = new Connection(
      this.nextConnectionId++,
      socket,
      (frame, conn) => this.dispatcher.dispatch(frame, conn),
      {
        maxFrameBytes: this.options.maxRequestBytes,
        maxInFlight: this.options.maxInFlightPerConnection,
        logger: this.options.logger,
      },
    )
    this.connections.add(connection)
    socket.once('close', () => this.connections.delete(connection))
  }

  private applyRetention(): void {
    const now = this.context.clock.now()
    for (const topic of this.topics.list()) {
      for (const p of topic.partitions) {
        try {
          p.log.applyRetention(now)
        } catch (err) {
          this.options.logger.error(`retention on ${topic.name}-${p.index} failed: ${(err as Error).message}`)
        }
      }
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.retentionTimer)
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const c of this.connections) c.stopReading()
    // parked fetches answer now with what they have instead of at their timeout
    this.watchers.expireAll()
    // parked JoinGroup and SyncGroup requests are answered at once too, so that connections can drain
    const groupsClosed = this.groups.close()
    // awaited last; until then a failure must not count as unhandled
    groupsClosed.catch(() => {})
    await Promise.all([...this.connections].map((c) => c.end()))
    await stopped
    await this.topics.flush()
    await this.topics.close()
    await groupsClosed
    this.options.logger.info('broker stopped')
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
