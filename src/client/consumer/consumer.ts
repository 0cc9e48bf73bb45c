import { EventEmitter } from 'node:events'
import { AdaptiveConcurrency } from '../../flow/adaptive-concurrency.js'
import { AimdLimit } from '../../flow/aimd-limit.js'
import { CircuitBreaker, type CircuitState } from '../../flow/circuit-breaker.js'
import { type Clock, systemClock, type TimerHandle } from '../../flow/clock.js'
import { ConcurrencyLimiter } from '../../flow/concurrency-limiter.js'
import { RateLimiter } from '../../flow/rate-limiter.js'
import type { TopicPartition } from '../admin/admin-types.js'
import { listOffsets } from '../admin/offset-admin.js'
import type { Cluster } from '../cluster/cluster.js'
import { ClientClosedError, InvalidArgumentError } from '../errors.js'
import type { Producer } from '../producer/producer.js'
import { type ConsumerTraceInfo, tracedBatchHandler, tracedHandler } from '../tracing/consumer-tracing.js'
import type { Assignor } from './assignors/assignor.js'
import { cooperativeStickyAssignor } from './assignors/cooperative-sticky-assignor.js'
import { rangeAssignor } from './assignors/range-assignor.js'
import { roundRobinAssignor } from './assignors/round-robin-assignor.js'
import { type CommitResult, Committer } from './commit/committer.js'
import { type ConsumerMetrics, consumerMetrics } from './consumer-metrics.js'
import type { AssignorName, Overflow, ResolvedConsumerOptions } from './consumer-options.js'
import { deadLetterRecords } from './dead-letter.js'
import { deserializerFor } from './deserializers.js'
import { dispatchCounters } from './dispatch/dispatch-counters.js'
import {
  type BatchHandler,
  Dispatcher,
  type DispatchHost,
  type MessageHandler,
} from './dispatch/dispatcher.js'
import { Fetcher, type FetcherHost } from './fetch/fetcher.js'
import { BufferUsage, PartitionState, type QueuedRecord } from './fetch/partition-state.js'
import { resetPositions, startingPositions } from './fetch/starting-positions.js'
import { type GroupGeneration, GroupMembership } from './group/group-membership.js'

const ASSIGNORS: Record<AssignorName, Assignor> = {
  'cooperative-sticky': cooperativeStickyAssignor,
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
}

export type PauseReason = 'user' | 'buffer' | 'breaker'

/** Events a consumer emits. 'error' is only emitted when someone listens (otherwise it is logged). */
export interface ConsumerEvents {
  rebalance: [{ type: 'assigned' | 'revoked' | 'lost'; partitions: TopicPartition[]; generationId: number }]
  /** Each generation joined: `leader` when this member computed the group's assignment. */
  join: [{ generationId: number; memberId: string; leader: boolean; assignor: string }]
  commit: [CommitResult]
  drop: [{ topic: string; partition: number; offset: bigint; reason: Exclude<Overflow, 'pause'> }]
  pause: [{ topic: string; partition: number; reason: PauseReason }]
  resume: [{ topic: string; partition: number; reason: PauseReason }]
  breaker: [{ state: CircuitState }]
  stuck: [{ topic: string; partition: number; offset: bigint; runningMs: number }]
  skip: [{ topic: string; partition: number; offset: bigint; error: Error }]
  error: [Error]
}

/** Where `seek` sends a partition. */
export type SeekTarget = bigint | 'earliest' | 'latest' | { timestamp: number }

export interface RunBatchOptions {
  /** Records in one batch, at most. Default 500. */
  maxRecords?: number
  /** Bytes in one batch, at most (a record bigger than this comes alone). Default 1 MiB. */
  maxBytes?: number
  /** How long a partition's first record waits for more before a smaller batch goes. Default 100 ms. */
  maxWaitMs?: number
}

const key = (tp: { topic: string; partition: number }) => `${tp.topic}\0${tp.partition}`

/**
 * The consumer: fetches only what its buffers have room for, runs the
 * handler with bounded concurrency in the order asked for, and commits, per
 * partition, only the offsets before the first unfinished record. With a
 * group it joins, rebalances (cooperatively when the group agrees on
 * cooperative-sticky: only moved partitions stop), heartbeats on its own
 * connection, and on close drains, commits and leaves.
 */
export class Consumer extends EventEmitter<ConsumerEvents> {
  private readonly clock: Clock
  private readonly usage: BufferUsage
  private readonly states = new Map<string, PartitionState>()
  private order: PartitionState[] = []
  private turn = 0
  private membership: GroupMembership | undefined
  private generation: GroupGeneration | undefined
  private fetcher: Fetcher | undefined
  private dispatcher: Dispatcher | undefined
  private committer: Committer | undefined
  private readonly limiter: ConcurrencyLimiter
  private readonly breaker: CircuitBreaker | undefined
  private readonly rate: RateLimiter | undefined
  private readonly counters = dispatchCounters()
  private readonly userPaused = new Set<string>()
  private readonly pendingSeeks = new Map<string, SeekTarget>()
  private manual: { topic: string; partition: number; offset?: bigint }[] | undefined
  private running: Promise<void> | undefined
  private closing: Promise<void> | undefined
  private fatalError: Error | undefined
  private wakeRejoin: ((reason: 'rebalance' | 'lost' | 'subscription' | 'close') => void) | undefined
  private pendingRejoin: 'rebalance' | 'lost' | 'subscription' | undefined
  private watchTimer: TimerHandle | undefined
  private subscribed: { topics: readonly string[]; counts: Map<string, number> } | undefined
  private dlq: Producer | undefined
  private wasFull = false
  private pumpScheduled = false
  private rebalances = 0
  private rebalanceMsTotal = 0
  private readonly drops = new Map<string, number>()

  constructor(
    private readonly cluster: Cluster,
    readonly options: ResolvedConsumerOptions,
    private readonly makeProducer: () => Producer,
  ) {
    super()
    this.clock = cluster.options.clock ?? systemClock
    this.usage = new BufferUsage(options.maxBufferedBytes, options.maxBufferedRecords)
    const c = options.concurrency
    this.limiter =
      typeof c === 'number'
        ? new ConcurrencyLimiter({ limit: c, clock: this.clock })
        : new AdaptiveConcurrency({
            min: c.min,
            max: c.max,
            initial: c.min,
            algorithm: c.adaptive === 'aimd' ? new AimdLimit() : undefined,
            clock: this.clock,
          })
    const rate = options.rate
    this.rate =
      rate && (rate.recordsPerSecond !== undefined || rate.bytesPerSecond !== undefined)
        ? new RateLimiter({
            perSecond: rate.recordsPerSecond,
            bytesPerSecond: rate.bytesPerSecond,
            clock: this.clock,
          })
        : undefined
    this.breaker = options.circuitBreaker
      ? new CircuitBreaker({
          ...options.circuitBreaker,
          clock: this.clock,
          onStateChange: (to) => this.breakerMoved(to),
        })
      : undefined
  }

  /** The partitions this consumer reads now. */
  assignment(): TopicPartition[] {
    return [...this.states.values()].map((s) => ({ topic: s.topic, partition: s.partition }))
  }

  /**
   * Reads these partitions without a group (no rebalances): from `offset`,
   * else from the group's committed offset when there is a groupId, else by
   * `autoOffsetReset`. Call before `run`.
   */
  assign(partitions: readonly { topic: string; partition: number; offset?: bigint }[]): void {
    if (this.running) throw new InvalidArgumentError('assign', 'must be called before run()')
    if (this.options.topics !== undefined)
      throw new InvalidArgumentError(
        'assign',
        'this consumer subscribes to topics; give it no topics to assign',
      )
    this.manual = partitions.map((p) => ({ ...p }))
  }

  /**
   * Runs `handler` on every record until `close()` (it resolves then) or a
   * failure with `onFailure: 'stop'` (it rejects with it). Each record's
   * offset counts as done once the handler's promise resolves.
   */
  run(handler: MessageHandler): Promise<void> {
    return this.start(handler, undefined, undefined)
  }

  /** As `run`, with a partition's records in batches: each batch is done once the handler resolves. */
  runBatch(handler: BatchHandler, options: RunBatchOptions = {}): Promise<void> {
    const batch = {
      maxRecords: options.maxRecords ?? 500,
      maxBytes: options.maxBytes ?? 1 << 20,
      maxWaitMs: options.maxWaitMs ?? 100,
    }
    if (!Number.isInteger(batch.maxRecords) || batch.maxRecords < 1) {
      throw new InvalidArgumentError(
        'runBatch maxRecords',
        `must be a positive integer, got ${batch.maxRecords}`,
      )
    }
    return this.start(undefined, handler, batch)
  }

  /** Stops fetching and processing these partitions until `resume` (the group membership stays). */
  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      this.userPaused.add(key(tp))
      const state = this.states.get(key(tp))
      if (state && !state.userPaused) {
        state.userPaused = true
        this.emit('pause', { topic: tp.topic, partition: tp.partition, reason: 'user' })
      }
    }
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      this.userPaused.delete(key(tp))
      const state = this.states.get(key(tp))
      if (state?.userPaused) {
        state.userPaused = false
        this.emit('resume', { topic: tp.topic, partition: tp.partition, reason: 'user' })
      }
    }
    this.fetcher?.wake()
    this.dispatcher?.pump()
  }

  /**
   * Moves a partition to an offset, its start or end, or the first offset at
   * or after a time; what was fetched and not started is dropped. The new
   * position is committed as processing goes on (a seek back replays after
   * a restart too). A partition not assigned yet starts there when it is.
   */
  async seek(target: { topic: string; partition: number; to: SeekTarget }): Promise<void> {
    const state = this.states.get(key(target))
    if (!state) {
      this.pendingSeeks.set(key(target), target.to)
      return
    }
    const offset = await this.resolveSeek(target, target.to)
    this.dispatcher?.forget(new Set([state]))
    state.reset(offset)
    state.committed = -1
    this.fetcher?.wake()
  }

  /** Counters and gauges, per partition and in all; rates cover the time since the previous call. */
  metrics(): ConsumerMetrics {
    return consumerMetrics({
      states: [...this.states.values()],
      usage: this.usage,
      counters: this.counters,
      limiter: this.limiter,
      breaker: this.breaker,
      committer: this.committer,
      drops: this.drops,
      rebalances: this.rebalances,
      rebalanceMsTotal: this.rebalanceMsTotal,
      inFlight: this.dispatcher?.inFlight ?? 0,
      now: this.clock.now(),
    })
  }

  /**
   * Stops fetching, lets what is running finish (at most `revokeDrainMs`),
   * commits what is done, leaves the group and closes every connection.
   * Records fetched and not started are left for whoever reads next.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  // ---------------------------------------------------------------- running

  private traceInfo(): ConsumerTraceInfo {
    return { groupId: this.options.groupId, clientId: this.cluster.options.clientId }
  }

  private start(
    handler: MessageHandler | undefined,
    batchHandler: BatchHandler | undefined,
    batch: { maxRecords: number; maxBytes: number; maxWaitMs: number } | undefined,
  ): Promise<void> {
    if (this.running) throw new InvalidArgumentError('run', 'the consumer is already running')
    if (this.closing) throw new ClientClosedError('consumer')
    const { groupId, topics } = this.options
    if (topics === undefined && this.manual === undefined) {
      throw new InvalidArgumentError(
        'run',
        'give the consumer topics (with a groupId) or call assign() first',
      )
    }
    const signal = this.cluster.closeSignal
    this.dispatcher = new Dispatcher(
      this.dispatchHost(),
      {
        ordering: this.options.ordering,
        limiter: this.limiter,
        rate: this.rate,
        breaker: this.breaker,
        attempts: this.options.attempts,
        retryBackoffMs: this.options.retryBackoffMs,
        retryBackoffMaxMs: this.options.retryBackoffMaxMs,
        onFailure: this.options.onFailure,
        maxProcessingMs: this.options.maxProcessingMs,
        onStuck: this.options.onStuck,
        commit: this.options.commit,
        keyDeserializer: deserializerFor(this.options.keyDeserializer),
        valueDeserializer: deserializerFor(this.options.valueDeserializer),
        batch,
        clock: this.clock,
        signal,
        counters: this.counters,
      },
      // under `process <topic>` spans when an OpenTelemetry tracer provider is registered
      handler && tracedHandler(handler, this.traceInfo()),
      batchHandler && tracedBatchHandler(batchHandler, this.traceInfo()),
    )
    this.fetcher = new Fetcher(
      this.cluster,
      this.fetcherHost(),
      this.usage,
      { ...this.options.fetch, isolationLevel: this.options.isolationLevel },
      this.clock,
      this.cluster.options.logger,
    )
    if (groupId !== undefined) {
      this.committer = new Committer(
        this.cluster,
        () => this.commitIdentity(),
        () => this.states.values(),
        this.options.commitIntervalMs,
        this.clock,
        this.cluster.options.logger,
        (result) => this.emit('commit', result),
      )
    }
    this.running = this.main()
    return this.running
  }

  private async main(): Promise<void> {
    try {
      await this.cluster.connect()
      this.committer?.start()
      if (this.options.topics !== undefined) await this.groupLoop()
      else {
        await this.assignManual()
        await new Promise<void>((resolve) => {
          this.wakeRejoin = () => resolve()
        })
      }
    } catch (error) {
      if (!(error instanceof ClientClosedError) || !this.closing) this.fatalError ??= error as Error
    }
    await this.close()
    if (this.fatalError) throw this.fatalError
  }

  private async groupLoop(): Promise<void> {
    const groupId = this.options.groupId!
    this.membership = new GroupMembership(this.cluster, {
      groupId,
      groupInstanceId: this.options.groupInstanceId,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      assignors: this.options.assignors.map((name) => ASSIGNORS[name]),
      logger: this.cluster.options.logger,
      clock: this.clock,
    })
    this.membership.onRejoinNeeded = (reason) => this.signalRejoin(reason)
    let reason: 'rebalance' | 'lost' | 'subscription' | 'close' | undefined
    while (!this.closing && !this.fatalError) {
      const started = this.clock.now()
      const eager = this.generation?.protocol.protocol === 'eager'
      if (reason === 'lost') await this.revoke(this.assignment(), 'lost')
      else if (eager && this.states.size > 0) await this.revoke(this.assignment(), 'revoked')
      const topics = await this.subscriptionTopics()
      const owned = this.assignment()
      const generation = await this.membership.join(
        topics,
        owned,
        this.options.rebalanceTimeoutMs + this.cluster.options.defaultApiTimeoutMs,
      )
      this.generation = generation
      this.subscribed = { topics, counts: this.partitionCounts(topics) }
      this.emit('join', {
        generationId: generation.generationId,
        memberId: generation.memberId,
        leader: generation.leader,
        assignor: generation.protocol.name,
      })
      const target = new Set(generation.assignment.map(key))
      const revoked = owned.filter((tp) => !target.has(key(tp)))
      const added = generation.assignment.filter((tp) => !this.states.has(key(tp)))
      if (revoked.length > 0) await this.revoke(revoked, 'revoked')
      if (added.length > 0) await this.assignPartitions(added, generation.generationId)
      this.rebalances++
      this.rebalanceMsTotal += this.clock.now() - started
      // a cooperative member that gave partitions up rejoins at once, so they are handed over
      if (revoked.length > 0 && generation.protocol.protocol === 'cooperative') {
        reason = 'rebalance'
        continue
      }
      this.watchSubscription()
      reason = await this.waitForRejoin()
    }
  }

  private async assignManual(): Promise<void> {
    const partitions = this.manual!
    await this.cluster.topicMetadata([...new Set(partitions.map((p) => p.topic))])
    const explicit = partitions.filter((p) => p.offset !== undefined)
    for (const p of explicit) this.pendingSeeks.set(key(p), p.offset!)
    await this.assignPartitions(
      partitions.map(({ topic, partition }) => ({ topic, partition })),
      -1,
    )
  }

  /** New partitions: learn where each starts, then fetch. */
  private async assignPartitions(partitions: readonly TopicPartition[], generationId: number): Promise<void> {
    const created: PartitionState[] = []
    for (const tp of partitions) {
      const state = new PartitionState(
        tp.topic,
        tp.partition,
        this.usage,
        this.options.overflow,
        { bytes: this.options.partitionBufferBytes, records: this.options.partitionBufferRecords },
        this.clock,
        (paused) => this.bufferPaused(state, paused),
      )
      state.userPaused = this.userPaused.has(key(tp))
      state.breakerPaused = this.breaker?.state === 'open'
      this.states.set(key(tp), state)
      created.push(state)
    }
    this.order = [...this.states.values()]
    await this.cluster.topicMetadata([...new Set(partitions.map((p) => p.topic))]).catch(() => undefined)
    const seeks = created.filter((s) => this.pendingSeeks.has(key(s)))
    const committed = created.filter((s) => !this.pendingSeeks.has(key(s)))
    const positions = await startingPositions(
      this.cluster,
      this.options.groupId,
      committed,
      this.options.autoOffsetReset,
      this.cluster.options.defaultApiTimeoutMs,
    )
    for (const s of committed) {
      const position = positions.get(key(s))
      if (position === undefined) continue
      s.reset(position.offset)
      // a position the group committed needs no commit until records are done; a reset one
      // is committed, so a restart before the first record does not reset again (to a later end)
      if (position.committed) s.committed = position.offset
    }
    for (const s of seeks) {
      const target = this.pendingSeeks.get(key(s))!
      this.pendingSeeks.delete(key(s))
      s.reset(await this.resolveSeek(s, target))
    }
    this.emit('rebalance', { type: 'assigned', partitions: [...partitions], generationId })
    this.fetcher?.wake()
  }

  /** Takes partitions away: revoked ones drain (for at most revokeDrainMs) and commit; lost ones just stop. */
  private async revoke(partitions: readonly TopicPartition[], type: 'revoked' | 'lost'): Promise<void> {
    const states = new Set(
      partitions.map((tp) => this.states.get(key(tp))).filter((s): s is PartitionState => !!s),
    )
    for (const s of states) s.revoked = true
    this.dispatcher?.forget(states)
    for (const s of states) s.dropQueued()
    this.fetcher?.roomFreed()
    if (type === 'revoked') {
      await this.dispatcher?.drain(states, this.options.revokeDrainMs)
      await this.committer?.commit(states)
    }
    for (const s of states) {
      s.discard()
      this.states.delete(key(s))
    }
    this.order = [...this.states.values()]
    this.emit('rebalance', {
      type,
      partitions: [...partitions],
      generationId: this.generation?.generationId ?? -1,
    })
  }

  private async subscriptionTopics(): Promise<readonly string[]> {
    const topics = this.options.topics!
    if (Array.isArray(topics)) return topics
    await this.cluster.refreshMetadata('all')
    return this.cluster.metadata
      .topicNames()
      .filter((t) => !this.cluster.metadata.topic(t)?.isInternal && (topics as RegExp).test(t))
      .sort()
  }

  private partitionCounts(topics: readonly string[]): Map<string, number> {
    return new Map(topics.map((t) => [t, this.cluster.metadata.topic(t)?.partitions.length ?? 0]))
  }

  /**
   * Between rebalances, looks at the metadata every metadataMaxAgeMs: a
   * pattern that now matches other topics, or (for the leader) a
   * subscribed topic with more partitions, needs a rebalance.
   */
  private watchSubscription(): void {
    if (this.watchTimer !== undefined) return
    this.watchTimer = this.clock.setTimeout(
      async () => {
        this.watchTimer = undefined
        if (this.closing || !this.subscribed) return
        try {
          const topics = await this.subscriptionTopics()
          if (Array.isArray(this.options.topics)) await this.cluster.refreshMetadata(topics)
          const counts = this.partitionCounts(topics)
          const changed =
            topics.join('\0') !== this.subscribed.topics.join('\0') ||
            (this.generation?.leader && topics.some((t) => counts.get(t) !== this.subscribed!.counts.get(t)))
          if (changed) this.signalRejoin('subscription')
        } catch {
          // the next look will do
        }
        if (!this.closing) this.watchSubscription()
      },
      Math.max(1000, this.cluster.options.metadataMaxAgeMs),
    )
  }

  private signalRejoin(reason: 'rebalance' | 'lost' | 'subscription' | 'close'): void {
    if (this.wakeRejoin) {
      const wake = this.wakeRejoin
      this.wakeRejoin = undefined
      wake(reason)
    } else if (reason !== 'close' && this.pendingRejoin !== 'lost') this.pendingRejoin = reason
  }

  private waitForRejoin(): Promise<'rebalance' | 'lost' | 'subscription' | 'close'> {
    if (this.pendingRejoin) {
      const reason = this.pendingRejoin
      this.pendingRejoin = undefined
      return Promise.resolve(reason)
    }
    return new Promise((resolve) => {
      this.wakeRejoin = resolve
    })
  }

  private commitIdentity() {
    const groupId = this.options.groupId
    if (groupId === undefined) return undefined
    if (!this.membership) return { groupId, generationId: -1, memberId: '', groupInstanceId: null }
    if (this.membership.generationId < 0) return undefined
    return {
      groupId,
      generationId: this.membership.generationId,
      memberId: this.membership.memberId,
      groupInstanceId: this.options.groupInstanceId,
    }
  }

  private async resolveSeek(tp: TopicPartition, to: SeekTarget): Promise<number> {
    if (typeof to === 'bigint') {
      if (to < 0n) throw new InvalidArgumentError('seek to', 'offsets are >= 0')
      return Number(to)
    }
    if (to === 'earliest' || to === 'latest') {
      return (await resetPositions(this.cluster, [tp], to, this.cluster.options.defaultApiTimeoutMs)).get(
        key(tp),
      )!
    }
    const [found] = await listOffsets(this.cluster, [{ topic: tp.topic, partition: tp.partition, at: to }])
    if (found.offset >= 0n) return Number(found.offset)
    // no record that late: start at the end
    return (await resetPositions(this.cluster, [tp], 'latest', this.cluster.options.defaultApiTimeoutMs)).get(
      key(tp),
    )!
  }

  // ---------------------------------------------------------------- hosts

  private fetcherHost(): FetcherHost {
    return {
      partitions: () => this.states.values(),
      fetched: (state, decoded) => {
        const dropped = state.enqueue(decoded.records, decoded.nextOffset)
        for (const { record, reason } of dropped) this.dropped(state, record, reason)
        // the budget may fill here while nothing finishes (a held handler, an open breaker):
        // the first record that finishes afterwards must wake the fetcher
        this.wasFull = this.usage.full
        this.pumpSoon()
      },
      outOfRange: (state) => {
        const epoch = state.epoch
        resetPositions(
          this.cluster,
          [state],
          this.options.autoOffsetReset,
          this.cluster.options.defaultApiTimeoutMs,
        )
          .then((positions) => {
            if (state.epoch !== epoch || state.revoked) return
            const offset = positions.get(key(state))
            this.cluster.options.logger.warn(
              `${state.topic}[${state.partition}]: offset ${state.position} out of range, reset to ${offset}`,
            )
            if (offset !== undefined) state.reset(offset)
            this.fetcher?.wake()
          })
          .catch((error) => this.fail(error as Error))
      },
      error: (error) => this.report(error),
    }
  }

  private dispatchHost(): DispatchHost {
    return {
      states: () => this.fairOrder(),
      finished: () => {
        const full = this.usage.full
        if (this.wasFull && !full) this.fetcher?.wake()
        else this.fetcher?.roomFreed()
        this.wasFull = full
      },
      deadLetter: (records, state, error, attempts) => this.deadLetter(records, state, error, attempts),
      fatal: (error) => this.fail(error),
      stuck: (state, record, runningMs) =>
        this.emit('stuck', {
          topic: state.topic,
          partition: state.partition,
          offset: BigInt(record.offset),
          runningMs,
        }),
      skipped: (state, record, error) => {
        this.counters.skipped++
        this.cluster.options.logger.warn(
          `${state.topic}[${state.partition}] offset ${record.offset} skipped: ${error.message}`,
        )
        this.emit('skip', {
          topic: state.topic,
          partition: state.partition,
          offset: BigInt(record.offset),
          error,
        })
      },
      commitBefore: async (state) => {
        await this.committer?.commit(new Set([state]))
      },
    }
  }

  /** Partitions that may hand out records, starting from a rotating point so none is always first. */
  private *fairOrder(): Generator<PartitionState> {
    const list = this.order
    const n = list.length
    if (n === 0) return
    const start = this.turn++ % n
    for (let i = 0; i < n; i++) {
      const s = list[(start + i) % n]
      if (!s.revoked && !s.userPaused) yield s
    }
  }

  /**
   * Processing of fetched records starts once the fetcher has sent its next
   * request (setImmediate runs after the microtasks that send it), so the
   * broker prepares the next answer while these records are handled.
   */
  private pumpSoon(): void {
    if (this.pumpScheduled) return
    this.pumpScheduled = true
    setImmediate(() => {
      this.pumpScheduled = false
      this.dispatcher?.pump()
    })
  }

  private dropped(state: PartitionState, record: QueuedRecord, reason: Exclude<Overflow, 'pause'>): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1)
    const event = { topic: state.topic, partition: state.partition, offset: BigInt(record.offset) }
    this.options.onDrop?.(event, reason)
    this.emit('drop', { ...event, reason })
  }

  private bufferPaused(state: PartitionState, paused: boolean): void {
    this.emit(paused ? 'pause' : 'resume', {
      topic: state.topic,
      partition: state.partition,
      reason: 'buffer',
    })
    if (!paused) this.fetcher?.wake()
  }

  private breakerMoved(to: CircuitState): void {
    const paused = to === 'open'
    for (const s of this.states.values()) {
      if (s.breakerPaused === paused) continue
      s.breakerPaused = paused
      this.emit(paused ? 'pause' : 'resume', { topic: s.topic, partition: s.partition, reason: 'breaker' })
    }
    this.emit('breaker', { state: to })
    if (!paused) this.fetcher?.wake()
  }

  private async deadLetter(
    records: readonly QueuedRecord[],
    state: PartitionState,
    error: Error,
    attempts: number,
  ): Promise<void> {
    this.dlq ??= this.makeProducer()
    await deadLetterRecords(this.dlq, this.options.deadLetterTopic!, state, records, error, attempts)
    this.counters.deadLettered += records.length
  }

  private report(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error)
    else this.cluster.options.logger.warn(`consumer: ${error.message}`)
  }

  private fail(error: Error): void {
    this.fatalError ??= error
    this.report(error)
    void this.close()
  }

  private async shutdown(): Promise<void> {
    if (this.watchTimer !== undefined) this.clock.clearTimeout(this.watchTimer)
    this.watchTimer = undefined
    this.signalRejoin('close')
    await this.fetcher?.stop()
    const all = new Set(this.states.values())
    this.dispatcher?.forget(all)
    for (const s of all) s.dropQueued()
    if (this.dispatcher) {
      this.dispatcher.draining = true
      await this.dispatcher.drain('all', this.options.revokeDrainMs)
    }
    this.committer?.stop()
    await this.committer?.commit().catch(() => {})
    this.dispatcher?.stop()
    if (this.membership) await this.membership.leave()
    for (const s of all) s.discard()
    this.states.clear()
    await this.dlq?.close({ timeoutMs: this.cluster.options.requestTimeoutMs }).catch(() => {})
    await this.cluster.close()
    if (!this.running) return
  }
}
