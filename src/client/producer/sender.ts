import type { Clock, TimerHandle } from '../../flow/clock.js'
import { ErrorCode, KafkaError } from '../../protocol/error-codes.js'
import { Apis } from '../../protocol/messages/index.js'
import type { Cluster } from '../cluster/cluster.js'
import { recoveryFor } from '../cluster/retry-policy.js'
import { ConnectionError } from '../errors.js'
import { addSequence, type ProducerBatch } from './producer-batch.js'
import { DeliveryTimeoutError } from './producer-errors.js'
import type { ProducerIdentity } from './producer-identity.js'
import type { ResolvedProducerOptions } from './producer-options.js'
import type { PartitionQueue, RecordAccumulator } from './record-accumulator.js'

/** Counters the producer's metrics are made of. */
export interface SenderCounters {
  requests: number
  batches: number
  records: number
  bytes: number
  retries: number
  errors: number
  epochBumps: number
  latencyTotalMs: number
  latencyMaxMs: number
}

/** An idempotent broker that has these for a batch has lost track of the producer, or of its place. */
const SEQUENCE_TROUBLE = new Set<number>([
  ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  ErrorCode.UNKNOWN_PRODUCER_ID,
  ErrorCode.INVALID_PRODUCER_EPOCH,
])

/**
 * Java's Sender: takes batches that are ready (full, lingered, flushed, or
 * needed because senders wait for memory) from the head of each partition's
 * queue, groups them by leader, and sends one Produce request per leader
 * with at most one batch of each partition, keeping at most
 * `maxInFlightRequests` requests unanswered per broker.
 *
 * Answers: success completes the records; a retriable error puts the batch
 * back at its place in the queue, after a backoff and, where the error says
 * the leader moved, after a metadata refresh; anything else, or the delivery
 * timeout, fails its records. With idempotence a batch keeps its sequence
 * numbers across retries, so the broker drops what it already has; a batch
 * that fails for good leaves a gap in the sequence, and then the producer
 * waits for what is in flight, bumps its epoch and restarts every
 * partition's sequence at 0 (KIP-360), as the Java producer does.
 */
export class Sender {
  readonly counters: SenderCounters = {
    requests: 0,
    batches: 0,
    records: 0,
    bytes: 0,
    retries: 0,
    errors: 0,
    epochBumps: 0,
    latencyTotalMs: 0,
    latencyMaxMs: 0,
  }
  /** Flushes in progress: batches go without lingering. */
  flushing = 0
  /** The producer is closing: batches go without lingering. */
  closing = false
  private wakeScheduled = false
  private timer: TimerHandle | undefined
  private timerAt = Number.POSITIVE_INFINITY
  private readonly inFlightPerNode = new Map<number, number>()
  private inFlightRequests = 0
  private epochBumpNeeded = false
  private bumping = false
  /** Counts finished metadata refreshes; a queue that saw a leader move waits for the next one. */
  private metadataGeneration = 0
  private readonly waitingForMetadata = new Map<PartitionQueue, number>()
  private readonly staleTopics = new Set<string>()
  private refreshing = false
  /** Refreshes failed in a row, and when the next may start: a failed refresh is retried after a backoff. */
  private refreshFailures = 0
  private refreshRetryAt = 0
  private lastMetadataAt: number
  private stopped = false

  constructor(
    private readonly cluster: Cluster,
    private readonly accumulator: RecordAccumulator,
    private readonly options: ResolvedProducerOptions,
    private readonly identity: ProducerIdentity | undefined,
    private readonly clock: Clock,
    private readonly requestTimeoutMs: number,
  ) {
    this.lastMetadataAt = clock.now()
  }

  get requestsInFlight(): number {
    return this.inFlightRequests
  }

  /** Asks for a look at the queues soon; many calls in one turn of the event loop make one look. */
  wake(): void {
    if (this.wakeScheduled || this.stopped) return
    this.wakeScheduled = true
    queueMicrotask(() => {
      this.wakeScheduled = false
      this.drain()
    })
  }

  /** Stops for good: no timer is left, nothing more is sent. */
  stop(): void {
    this.stopped = true
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  private drain(): void {
    if (this.stopped) return
    const now = this.clock.now()
    this.expireQueued(now)
    if (this.identity && !this.identity.ready) {
      this.identity.ensure().then(
        () => this.wake(),
        (error) => this.failQueued(error as Error),
      )
      return
    }
    if (this.epochBumpNeeded) {
      if (this.inFlightRequests === 0 && !this.bumping) void this.bumpEpoch()
      return
    }
    if (now - this.lastMetadataAt >= this.cluster.options.metadataMaxAgeMs) {
      for (const q of this.accumulator.allQueues()) this.staleTopics.add(q.topic)
    }
    const exhausted = this.accumulator.budget.waiting > 0
    const hurry = this.flushing > 0 || this.closing || exhausted
    let nextWake = Number.POSITIVE_INFINITY
    const byLeader = new Map<number, PartitionQueue[]>()
    for (const q of this.accumulator.allQueues()) {
      const head = q.queued[0]
      if (!head) continue
      if (q.retryAt > now) {
        nextWake = Math.min(nextWake, q.retryAt)
        continue
      }
      if (!this.canSend(q)) continue
      if (!head.closed && !hurry && now - head.createdAt < this.options.lingerMs) {
        nextWake = Math.min(nextWake, head.createdAt + this.options.lingerMs)
        continue
      }
      const leader = this.leaderOf(q)
      if (leader < 0) continue
      const list = byLeader.get(leader)
      if (list) list.push(q)
      else byLeader.set(leader, [q])
    }
    for (const [nodeId, queues] of byLeader) this.sendTo(nodeId, queues, now, hurry)
    this.refreshStaleMetadata()
    this.setTimer(nextWake)
  }

  /**
   * With idempotence a partition has at most maxInFlightRequests batches in
   * flight, so that sequences stay in order — and only one while nothing of
   * the current epoch is acknowledged there, or while a batch is retried (as
   * the Java producer does). A broker with no state for a producer on a
   * partition takes any first sequence (Kafka since KIP-360), so a later
   * batch could be stored ahead of an earlier one that failed; with one in
   * flight there is no later batch to overtake it.
   */
  private canSend(q: PartitionQueue): boolean {
    if (!this.identity) return true
    if (q.inFlight.length === 0) return true
    if (q.lastAckedSequence < 0 || (q.queued[0]?.attempts ?? 0) > 0) return false
    return q.inFlight.length < this.options.maxInFlightRequests
  }

  /** The partition's leader, or -1 while it is unknown or a refresh after a leader move is awaited. */
  private leaderOf(q: PartitionQueue): number {
    const wanted = this.waitingForMetadata.get(q)
    if (wanted !== undefined) {
      if (this.metadataGeneration < wanted) {
        this.staleTopics.add(q.topic)
        return -1
      }
      this.waitingForMetadata.delete(q)
    }
    const leader = this.cluster.metadata.topic(q.topic)?.partitions[q.partition]?.leaderId ?? -1
    if (leader < 0) this.staleTopics.add(q.topic)
    return leader
  }

  private sendTo(nodeId: number, queues: PartitionQueue[], now: number, hurry: boolean): void {
    while ((this.inFlightPerNode.get(nodeId) ?? 0) < this.options.maxInFlightRequests) {
      const batches: { q: PartitionQueue; batch: ProducerBatch; bytes: Buffer }[] = []
      let size = 0
      for (const q of queues) {
        const head = q.queued[0]
        if (!head || !this.canSend(q)) continue
        if (!head.closed && !hurry && now - head.createdAt < this.options.lingerMs) continue
        const bytes = this.seal(q, head)
        if (batches.length > 0 && size + bytes.length > this.options.maxRequestBytes) continue
        q.queued.shift()
        q.inFlight.push(head)
        batches.push({ q, batch: head, bytes })
        size += bytes.length
      }
      if (batches.length === 0) return
      void this.dispatch(nodeId, batches)
    }
  }

  /** Gives a batch its sequence numbers on its first send, then its bytes with the producer fields filled in. */
  private seal(q: PartitionQueue, batch: ProducerBatch): Buffer {
    const identity = this.identity
    if (identity && batch.baseSequence < 0) {
      batch.baseSequence = q.nextSequence
      batch.producerEpoch = identity.producerEpoch
      q.nextSequence = addSequence(q.nextSequence, batch.recordCount)
    }
    const bytes = batch.seal({
      compression: this.options.compression,
      compressionLevel: this.options.compressionLevel,
      producerId: identity?.producerId ?? -1n,
      producerEpoch: identity ? batch.producerEpoch : -1,
      baseSequence: identity ? batch.baseSequence : -1,
    })
    this.accumulator.shrink(batch)
    return bytes
  }

  private async dispatch(
    nodeId: number,
    batches: readonly { q: PartitionQueue; batch: ProducerBatch; bytes: Buffer }[],
  ): Promise<void> {
    this.inFlightPerNode.set(nodeId, (this.inFlightPerNode.get(nodeId) ?? 0) + 1)
    this.inFlightRequests++
    const started = this.clock.now()
    const topics = new Map<string, { index: number; records: Buffer }[]>()
    for (const { batch, bytes } of batches) {
      const partition = { index: batch.partition, records: bytes }
      const list = topics.get(batch.topic)
      if (list) list.push(partition)
      else topics.set(batch.topic, [partition])
    }
    const body = {
      transactionalId: null,
      acks: this.options.acks,
      timeoutMs: this.requestTimeoutMs,
      topicData: [...topics].map(([name, partitionData]) => ({ name, partitionData })),
    }
    try {
      const connection = await this.cluster.connectionTo(nodeId)
      if (this.options.acks === 0) {
        await connection.request(Apis.Produce, body, { expectResponse: false, gather: true })
        for (const { q, batch } of batches) this.succeeded(q, batch, -1n, -1)
      } else {
        const answer = await connection.request(Apis.Produce, body, { gather: true })
        this.handleAnswer(batches, answer.responses)
      }
      this.counters.requests++
      const latency = this.clock.now() - started
      this.counters.latencyTotalMs += latency
      if (latency > this.counters.latencyMaxMs) this.counters.latencyMaxMs = latency
    } catch (error) {
      // the whole request failed (a lost connection, a timeout): every batch in it is retried
      for (const { q, batch } of batches) this.failedAttempt(q, batch, error as Error)
    } finally {
      this.inFlightPerNode.set(nodeId, (this.inFlightPerNode.get(nodeId) ?? 1) - 1)
      this.inFlightRequests--
      this.wake()
    }
  }

  private handleAnswer(
    batches: readonly { q: PartitionQueue; batch: ProducerBatch }[],
    responses: readonly {
      name: string
      partitionResponses: readonly {
        index: number
        errorCode: number
        baseOffset: bigint
        logAppendTimeMs: bigint
        errorMessage: string | null
      }[]
    }[],
  ): void {
    const answers = new Map<string, (typeof responses)[number]['partitionResponses'][number]>()
    for (const t of responses) for (const p of t.partitionResponses) answers.set(`${t.name}\0${p.index}`, p)
    for (const { q, batch } of batches) {
      const p = answers.get(`${batch.topic}\0${batch.partition}`)
      if (!p) {
        this.failedAttempt(
          q,
          batch,
          new ConnectionError(
            'the Produce answer left this partition out',
            `${batch.topic}[${batch.partition}]`,
          ),
        )
      } else if (p.errorCode === ErrorCode.NONE || p.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
        // DUPLICATE_SEQUENCE_NUMBER: an old broker's way of saying it has this batch already
        const offset = p.errorCode === ErrorCode.NONE ? p.baseOffset : -1n
        this.succeeded(q, batch, offset, Number(p.logAppendTimeMs))
      } else {
        const details = {
          topic: batch.topic,
          partition: batch.partition,
          reason: p.errorMessage ?? undefined,
        }
        this.failedAttempt(q, batch, new KafkaError(p.errorCode, details))
      }
    }
  }

  private succeeded(
    q: PartitionQueue,
    batch: ProducerBatch,
    baseOffset: bigint,
    logAppendTime: number,
  ): void {
    removeFrom(q.inFlight, batch)
    if (this.identity && batch.baseSequence >= 0) {
      q.lastAckedSequence = addSequence(batch.baseSequence, batch.recordCount - 1)
    }
    this.counters.batches++
    this.counters.records += batch.recordCount
    this.counters.bytes += batch.sizeInBytes
    this.accumulator.retire(batch)
    batch.complete(baseOffset, logAppendTime)
  }

  /** One send of a batch failed: back into its queue to be retried, or failed for good. */
  private failedAttempt(q: PartitionQueue, batch: ProducerBatch, error: Error): void {
    removeFrom(q.inFlight, batch)
    batch.attempts++
    batch.lastError = error
    const now = this.clock.now()
    const code = error instanceof KafkaError ? error.code : undefined
    let retriable = recoveryFor(error) !== 'fail'
    if (this.identity && code !== undefined && SEQUENCE_TROUBLE.has(code)) {
      // out of order behind an earlier batch that is itself being retried: it only has to wait its turn
      const behindARetry =
        code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER &&
        batch.baseSequence !== addSequence(q.lastAckedSequence, 1)
      if (!behindARetry) this.epochBumpNeeded = true
      retriable = true
    }
    const expired = now >= batch.createdAt + this.options.deliveryTimeoutMs
    if (!retriable || expired || batch.attempts > this.options.retries) {
      this.failForGood(
        batch,
        expired ? new DeliveryTimeoutError(this.options.deliveryTimeoutMs, { cause: error }) : error,
      )
      return
    }
    this.counters.retries++
    insertInOrder(q.queued, batch)
    q.retryAt = now + this.cluster.retry.delay(batch.attempts)
    const recovery = recoveryFor(error)
    if (recovery === 'refresh-metadata' || code === ErrorCode.NOT_LEADER_OR_FOLLOWER) {
      this.cluster.metadata.markStale(q.topic)
      this.staleTopics.add(q.topic)
      this.waitingForMetadata.set(q, this.metadataGeneration + 1)
    }
  }

  private failForGood(batch: ProducerBatch, error: Error): void {
    this.counters.errors++
    // its sequence numbers were used: the broker would wait for them forever
    if (this.identity && batch.baseSequence >= 0) this.epochBumpNeeded = true
    this.accumulator.retire(batch)
    batch.fail(error)
  }

  /** Fails queued batches older than the delivery timeout (in-flight ones wait for their answer). */
  private expireQueued(now: number): void {
    const limit = this.options.deliveryTimeoutMs
    for (const q of this.accumulator.allQueues()) {
      while (q.queued.length > 0 && now >= q.queued[0].createdAt + limit) {
        const batch = q.queued.shift()!
        this.failForGood(batch, new DeliveryTimeoutError(limit, { cause: batch.lastError }))
      }
    }
  }

  /** Fails every queued batch: the producer could not get an id, say. */
  private failQueued(error: Error): void {
    for (const q of this.accumulator.allQueues()) {
      for (const batch of q.queued.splice(0)) this.failForGood(batch, error)
    }
  }

  private async bumpEpoch(): Promise<void> {
    this.bumping = true
    try {
      await this.identity!.bump()
      this.counters.epochBumps++
      // a new epoch starts every partition at sequence 0; batches not yet acknowledged are renumbered when sent
      for (const q of this.accumulator.allQueues()) {
        q.nextSequence = 0
        q.lastAckedSequence = -1
        for (const batch of q.queued) batch.baseSequence = -1
      }
      this.epochBumpNeeded = false
    } catch (error) {
      this.failQueued(error as Error)
      this.epochBumpNeeded = false
    } finally {
      this.bumping = false
      this.wake()
    }
  }

  /**
   * Refreshes the topics some queue waits on, one refresh at a time. After a
   * failure the next waits out a backoff that grows with each failure in a
   * row: a refresh can fail without any I/O (a connection whose broker
   * speaks no Metadata version of ours), and retrying at once from the wake
   * that follows would spin in microtasks, starving the event loop.
   */
  private refreshStaleMetadata(): void {
    if (this.refreshing || this.staleTopics.size === 0 || this.stopped) return
    if (this.clock.now() < this.refreshRetryAt) {
      this.setTimer(this.refreshRetryAt)
      return
    }
    const topics = [...this.staleTopics]
    this.staleTopics.clear()
    this.refreshing = true
    this.cluster
      .refreshMetadata(topics)
      .then(
        () => {
          this.refreshFailures = 0
          this.refreshRetryAt = 0
          this.metadataGeneration++
          this.lastMetadataAt = this.clock.now()
        },
        () => {
          // nobody answered, or not usefully: ask again after a backoff
          for (const t of topics) this.staleTopics.add(t)
          this.refreshFailures++
          this.refreshRetryAt = this.clock.now() + this.cluster.retry.delay(this.refreshFailures)
          this.setTimer(this.refreshRetryAt)
        },
      )
      .finally(() => {
        this.refreshing = false
        this.wake()
      })
  }

  private setTimer(at: number): void {
    if (!Number.isFinite(at) || this.stopped) return
    if (this.timer !== undefined && this.timerAt <= at) return
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timerAt = at
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined
        this.timerAt = Number.POSITIVE_INFINITY
        this.drain()
      },
      Math.max(0, at - this.clock.now()),
    )
  }
}

function removeFrom(list: ProducerBatch[], batch: ProducerBatch): void {
  const at = list.indexOf(batch)
  if (at >= 0) list.splice(at, 1)
}

/** Back where it came from: batches of a partition go out in the order they were created. */
function insertInOrder(queue: ProducerBatch[], batch: ProducerBatch): void {
  let at = 0
  while (at < queue.length && queue[at].serial < batch.serial) at++
  queue.splice(at, 0, batch)
}
