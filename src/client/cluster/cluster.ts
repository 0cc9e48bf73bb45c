import { setMaxListeners } from 'node:events'
import { type Clock, sleep, systemClock } from '../../flow/clock.js'
import type { ApiDefinition } from '../../protocol/api.js'
import { ErrorCode, KafkaError } from '../../protocol/error-codes.js'
import { decodeResponse } from '../../protocol/frames.js'
import { Apis } from '../../protocol/messages/index.js'
import type { MessageInput, MessageOf } from '../../protocol/schema.js'
import type { ResolvedKafkaOptions } from '../client-options.js'
import {
  AuthenticationError,
  BootstrapError,
  ClientClosedError,
  ConnectionError,
  UnsupportedVersionError,
} from '../errors.js'
import { type BrokerAddress, formatAddress } from '../network/broker-address.js'
import type { BrokerConnection, RequestOptions } from '../network/broker-connection.js'
import { type ConnectionLane, ConnectionPool } from '../network/connection-pool.js'
import { raceDeadline } from './deadline.js'
import { type BrokerNode, checkMetadataAnswer, MetadataCache, type TopicMetadata } from './metadata-cache.js'
import { type Recovery, RetryPolicy } from './retry-policy.js'

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

/** FindCoordinator key types. */
export type CoordinatorType = 'group' | 'transaction'

interface Coordinator {
  readonly nodeId: number
  readonly address: BrokerAddress
}

/**
 * The client's view of a Kafka cluster: it bootstraps from any listed
 * broker, caches metadata (brokers, topics, leaders) and group coordinators,
 * refreshes them when a request says they moved or a connection drops, and
 * hands out connections to a node, a partition's leader, a coordinator or
 * the least loaded broker. Admin, producer and consumer each own one.
 */
export class Cluster {
  readonly metadata = new MetadataCache()
  readonly retry: RetryPolicy
  readonly pool: ConnectionPool
  private readonly clock: Clock
  private readonly closing = closeController()
  private connecting: Promise<void> | undefined
  private readonly coordinators = new Map<string, Coordinator>()
  private readonly refreshes = new Map<string, Promise<Map<string, number>>>()
  private rotation = 0

  constructor(readonly options: ResolvedKafkaOptions) {
    this.clock = options.clock ?? systemClock
    this.retry = new RetryPolicy(options.retry, options.clock)
    this.pool = new ConnectionPool({ ...options, onDisconnect: (address) => this.onDisconnect(address) })
  }

  get closed(): boolean {
    return this.closing.signal.aborted
  }

  /** The signal that aborts when the cluster closes: for waits that must end then. */
  get closeSignal(): AbortSignal {
    return this.closing.signal
  }

  /**
   * Bootstraps: tries the listed brokers in turn until one answers Metadata,
   * for at most `connectionTimeoutMs` in all, then fails naming each address
   * and what it did. An authentication or version failure ends it at once:
   * trying again would fail the same way.
   */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new ClientClosedError())
    this.connecting ??= this.bootstrap().catch((error) => {
      this.connecting = undefined
      throw error
    })
    return this.connecting
  }

  /**
   * Asks the least loaded broker for metadata of `topics` (or of every topic)
   * and caches it. Resolves with each listed topic's error code. Requests for
   * the same topics at the same time share one round trip.
   */
  refreshMetadata(
    topics: readonly string[] | 'all',
    allowAutoTopicCreation = false,
  ): Promise<Map<string, number>> {
    const key = topics === 'all' ? '*' : `${allowAutoTopicCreation}:${[...topics].sort().join('\0')}`
    let running = this.refreshes.get(key)
    if (!running) {
      running = this.fetchMetadata(topics, allowAutoTopicCreation).finally(() => this.refreshes.delete(key))
      this.refreshes.set(key, running)
    }
    return running
  }

  /**
   * Metadata of these topics, from the cache while fresh, else from a
   * broker, retrying until every topic has a leader for every partition or
   * the timeout passes. A topic that does not exist fails with
   * UNKNOWN_TOPIC_OR_PARTITION once the timeout is spent (it may be being created).
   */
  async topicMetadata(
    topics: readonly string[],
    options: { allowAutoTopicCreation?: boolean; timeoutMs?: number } = {},
  ): Promise<Map<string, TopicMetadata>> {
    await this.connect()
    const timeoutMs = options.timeoutMs ?? this.options.defaultApiTimeoutMs
    return this.retry.run(
      'metadata',
      async () => {
        const now = this.clock.now()
        const missing = topics.filter((t) => !this.metadata.isFresh(t, now, this.options.metadataMaxAgeMs))
        if (missing.length > 0) {
          const errors = await this.refreshMetadata(missing, options.allowAutoTopicCreation)
          for (const [topic, code] of errors) {
            if (code !== ErrorCode.NONE && missing.includes(topic)) throw new KafkaError(code, { topic })
          }
        }
        const out = new Map<string, TopicMetadata>()
        for (const name of topics) {
          const topic = this.metadata.topic(name)
          if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { topic: name })
          const leaderless = topic.partitions.find((p) => p.leaderId < 0)
          if (leaderless) {
            this.metadata.markStale(name)
            throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, {
              topic: name,
              partition: leaderless.partition,
            })
          }
          out.set(name, topic)
        }
        return out
      },
      { timeoutMs, signal: this.closeSignal, onRetry: (error, recovery) => this.recover(error, recovery) },
    )
  }

  /** The broker with this node id, as the latest metadata lists it. */
  node(nodeId: number): BrokerNode | undefined {
    return this.metadata.broker(nodeId)
  }

  /** A connection to a node the metadata lists; a node it does not list is a retriable ConnectionError. */
  async connectionTo(nodeId: number, lane: ConnectionLane = 'default'): Promise<BrokerConnection> {
    await this.connect()
    const node = this.metadata.broker(nodeId)
    if (!node) {
      this.metadata.markAllStale()
      throw new ConnectionError(`node ${nodeId} is not in the cluster metadata`, `node ${nodeId}`)
    }
    return this.pool.get(node, lane)
  }

  /** Sends one request to a node and returns the decoded answer. */
  async send<A extends ApiDefinition>(
    nodeId: number,
    api: A,
    body: MessageInput<A['request']>,
    options: RequestOptions<MessageOf<A['response']>> & { lane?: ConnectionLane } = {},
  ): Promise<MessageOf<A['response']>> {
    const connection = await this.connectionTo(nodeId, options.lane)
    return connection.request(api, body, options)
  }

  /**
   * A connection to the broker with the fewest requests in flight (the Java
   * client's "least loaded node"): an open connection when there is one, else
   * the next known broker not waiting out a reconnect backoff, else a
   * bootstrap address — so a client whose every known broker moved can find
   * the cluster again through the list it started from.
   */
  async leastLoadedConnection(): Promise<BrokerConnection> {
    if (this.closed) throw new ClientClosedError()
    const open = this.pool.openConnections().filter((c) => c.versions !== undefined)
    if (open.length > 0) return open.reduce((a, b) => (b.inFlightCount < a.inFlightCount ? b : a))
    const candidates = this.candidateAddresses()
    const start = this.rotation++ % candidates.length
    const ordered = [...candidates.slice(start), ...candidates.slice(0, start)]
    const ready = ordered.find((a) => !this.pool.inBackoff(a)) ?? ordered[0]
    return this.pool.get(ready)
  }

  /** The coordinator of a group (or transactional id), looked up once and cached until it moves. */
  async coordinator(key: string, type: CoordinatorType = 'group'): Promise<number> {
    const cached = this.coordinators.get(`${type}:${key}`)
    if (cached) return cached.nodeId
    await this.connect()
    const connection = await this.leastLoadedConnection()
    const keyType = type === 'group' ? 0 : 1
    const answer = await connection.request(Apis.FindCoordinator, { key, keyType, coordinatorKeys: [key] })
    const entry = answer.coordinators.length > 0 ? answer.coordinators[0] : answer
    if (entry.errorCode !== ErrorCode.NONE) throw new KafkaError(entry.errorCode, { [type]: key })
    const address = { host: entry.host, port: entry.port }
    this.coordinators.set(`${type}:${key}`, { nodeId: entry.nodeId, address })
    if (!this.metadata.broker(entry.nodeId)) await this.refreshMetadata([])
    return entry.nodeId
  }

  /** A connection to a group's coordinator. */
  async coordinatorConnection(
    key: string,
    type: CoordinatorType = 'group',
    lane: ConnectionLane = 'default',
  ): Promise<BrokerConnection> {
    const nodeId = await this.coordinator(key, type)
    const coordinator = this.coordinators.get(`${type}:${key}`)
    return this.pool.get(this.metadata.broker(nodeId) ?? coordinator!.address, lane)
  }

  /** Forgets a coordinator (after NOT_COORDINATOR): the next call looks it up again. */
  forgetCoordinator(key: string, type: CoordinatorType = 'group'): void {
    this.coordinators.delete(`${type}:${key}`)
  }

  /**
   * Acts on a failure's recovery before the retry policy waits: stale
   * metadata is refreshed on the next lookup; a moved coordinator is looked
   * up again. `context` names the topics and group the failed call touched.
   */
  recover(
    error: unknown,
    recovery: Recovery,
    context: { topics?: readonly string[]; group?: string } = {},
  ): void {
    if (recovery === 'refresh-metadata') {
      if (context.topics) for (const topic of context.topics) this.metadata.markStale(topic)
      else this.metadata.markAllStale()
    }
    if (
      (recovery === 'find-coordinator' || error instanceof ConnectionError) &&
      context.group !== undefined
    ) {
      this.forgetCoordinator(context.group)
    }
  }

  /** Closes every connection; operations in progress reject with ClientClosedError. Leaves no timer or socket. */
  async close(graceMs = 0): Promise<void> {
    if (!this.closed) this.closing.abort(new ClientClosedError())
    await this.pool.close(graceMs)
  }

  private candidateAddresses(): BrokerAddress[] {
    const seen = new Set<string>()
    const out: BrokerAddress[] = []
    for (const address of [...this.metadata.brokers, ...this.options.brokers]) {
      const label = formatAddress(address)
      if (seen.has(label)) continue
      seen.add(label)
      out.push({ host: address.host, port: address.port })
    }
    return out
  }

  private async fetchMetadata(
    topics: readonly string[] | 'all',
    allowAutoTopicCreation: boolean,
  ): Promise<Map<string, number>> {
    const connection = await this.leastLoadedConnection()
    return this.askMetadata(connection, topics, allowAutoTopicCreation)
  }

  private async askMetadata(
    connection: BrokerConnection,
    topics: readonly string[] | 'all',
    allowAutoTopicCreation: boolean,
  ): Promise<Map<string, number>> {
    const version = connection.versions!.version(Apis.Metadata)
    const list =
      topics === 'all' ? (version === 0 ? [] : null) : topics.map((name) => ({ name, topicId: ZERO_UUID }))
    const answer = await connection.request(
      Apis.Metadata,
      { topics: list, allowAutoTopicCreation, includeTopicAuthorizedOperations: false },
      // checked as part of decoding: an answer that fails closes its connection like any malformed one
      { decode: (frame, v) => checkMetadataAnswer(decodeResponse(Apis.Metadata, v, frame).body) },
    )
    const errors = this.metadata.update(answer, this.clock.now())
    if (topics === 'all') {
      this.metadata.retainOnly(new Set(answer.topics.flatMap((t) => (t.name === null ? [] : [t.name]))))
    }
    return errors
  }

  private async bootstrap(): Promise<void> {
    const timeoutMs = this.options.connectionTimeoutMs
    const deadline = this.clock.now() + timeoutMs
    const attempts = new Map<string, Error>()
    for (let round = 1; ; round++) {
      for (const address of this.options.brokers) {
        const left = deadline - this.clock.now()
        if (left <= 0) break
        const label = formatAddress(address)
        try {
          const connection = await raceDeadline(
            this.pool.get(address),
            left,
            this.clock,
            () => new ConnectionError(`no answer within ${timeoutMs} ms`, label),
          )
          await raceDeadline(
            this.askMetadata(connection, [], false),
            deadline - this.clock.now(),
            this.clock,
            () => new ConnectionError(`no metadata within ${timeoutMs} ms`, label),
          )
          return
        } catch (error) {
          if (this.closed) throw new ClientClosedError()
          // the next broker would refuse these credentials or versions the same way
          if (error instanceof AuthenticationError || error instanceof UnsupportedVersionError) throw error
          attempts.set(label, error as Error)
        }
      }
      const left = deadline - this.clock.now()
      if (left <= 0) {
        const tried = this.options.brokers.map((a) => {
          const label = formatAddress(a)
          return { address: label, error: attempts.get(label) ?? new Error('not tried in time') }
        })
        throw new BootstrapError(tried, timeoutMs)
      }
      await sleep(Math.min(left, this.retry.delay(round)), {
        clock: this.clock,
        signal: this.closeSignal,
      }).catch(() => {
        throw new ClientClosedError()
      })
    }
  }

  private onDisconnect(address: string): void {
    for (const node of this.metadata.brokers) {
      if (formatAddress(node) !== address) continue
      for (const topic of this.metadata.topicsLedBy(node.nodeId)) this.metadata.markStale(topic)
    }
    for (const [key, coordinator] of this.coordinators) {
      if (formatAddress(coordinator.address) === address) this.coordinators.delete(key)
    }
  }
}

/**
 * Every wait that must end when the client closes (a retry backoff, a
 * record waiting out an open breaker) listens on this one signal; hundreds
 * at once are normal, not a leak, so Node's warning past 10 is turned off.
 */
function closeController(): AbortController {
  const controller = new AbortController()
  setMaxListeners(0, controller.signal)
  return controller
}
