import type { Writable } from 'node:stream'
import { type Clock, systemClock } from '../../flow/clock.js'
import { RateLimiter } from '../../flow/rate-limiter.js'
import { RecordBatchBuilder, type RecordInput } from '../../protocol/records/index.js'
import type { Cluster } from '../cluster/cluster.js'
import type { TopicMetadata } from '../cluster/metadata-cache.js'
import { ClientClosedError, InvalidArgumentError, OperationTimeoutError } from '../errors.js'
import { activeSendTracer, traceSend } from '../tracing/producer-tracing.js'
import { BufferBudget } from './buffer-budget.js'
import { Partitioner } from './partitioner.js'
import { BufferFullError, RecordDroppedError, RecordTooLargeError } from './producer-errors.js'
import { ProducerIdentity } from './producer-identity.js'
import { type ProducerMetrics, producerMetrics } from './producer-metrics.js'
import type { ResolvedProducerOptions } from './producer-options.js'
import type { ProducerRecord, RecordAppender, SendResult } from './producer-record.js'
import { producerWritable, type WritableOptions } from './producer-writable.js'
import { RecordAccumulator } from './record-accumulator.js'
import type { CompletionSink, RecordMetadata } from './record-metadata.js'
import { type SendAllOptions, sendAll } from './send-all.js'
import { Sender } from './sender.js'
import { headerList, type Serializer, serializerFor } from './serializers.js'

const NO_HEADERS: RecordInput['headers'] = Object.freeze([])

/** Several records to one topic at once. */
export interface ProducerBatchInput {
  topic: string
  messages: readonly Omit<ProducerRecord, 'topic'>[]
}

/** Some records of a `send({ topic, messages })` failed; `results` has each record's outcome, in order. */
export class SendError extends AggregateError {
  override readonly name = 'SendError'

  constructor(readonly results: readonly (RecordMetadata | Error)[]) {
    const errors = results.filter((r): r is Error => r instanceof Error)
    super(errors, `${errors.length} of ${results.length} records failed: ${errors[0]?.message}`)
  }
}

/** One send's promise, as a sink. */
class PromiseSink implements CompletionSink {
  constructor(
    private readonly resolve: (metadata: RecordMetadata) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  complete(_token: number, metadata: RecordMetadata): void {
    this.resolve(metadata)
  }

  fail(_token: number, error: Error): void {
    this.reject(error)
  }
}

/**
 * The producer. `send` serializes a record, picks its partition, and appends
 * it to that partition's open batch in the accumulator — at once while the
 * buffer budget has room, else after waiting (or failing, or dropping) by
 * `whenFull`; the sender takes batches to their leaders in the background.
 * Every record's promise settles with where it was stored, or with the
 * error that ended it; nothing is retried past `deliveryTimeoutMs`.
 */
export class Producer implements RecordAppender {
  private readonly clock: Clock
  private readonly budget: BufferBudget
  private readonly accumulator: RecordAccumulator
  private readonly sender: Sender
  private readonly partitioner: Partitioner
  private readonly keySerializer: Serializer
  private readonly valueSerializer: Serializer
  private readonly limiter: RateLimiter | undefined
  private readonly topicWaits = new Map<string, Promise<TopicMetadata>>()
  private readonly appending = new Set<Promise<void>>()
  private drops = 0
  private closing: Promise<void> | undefined
  private readonly metricsSince = { at: 0, records: 0, bytes: 0 }

  constructor(
    private readonly cluster: Cluster,
    readonly options: ResolvedProducerOptions,
  ) {
    this.clock = cluster.options.clock ?? systemClock
    this.budget = new BufferBudget(options.bufferBytes, this.clock)
    this.accumulator = new RecordAccumulator(this.budget, options.batchBytes, this.clock, () =>
      this.sender.wake(),
    )
    const identity = options.idempotent
      ? new ProducerIdentity(cluster, () => options.maxBlockMs || cluster.options.defaultApiTimeoutMs)
      : undefined
    this.sender = new Sender(
      cluster,
      this.accumulator,
      options,
      identity,
      this.clock,
      cluster.options.requestTimeoutMs,
    )
    this.partitioner = new Partitioner(options.partitioner, options.batchBytes)
    this.keySerializer = serializerFor(options.keySerializer, 'key')
    this.valueSerializer = serializerFor(options.valueSerializer, 'value')
    const limited =
      options.rate &&
      (Number.isFinite(options.rate.recordsPerSecond) || Number.isFinite(options.rate.bytesPerSecond))
    this.limiter = limited
      ? new RateLimiter({
          perSecond: Number.isFinite(options.rate.recordsPerSecond)
            ? options.rate.recordsPerSecond
            : undefined,
          bytesPerSecond: Number.isFinite(options.rate.bytesPerSecond)
            ? options.rate.bytesPerSecond
            : undefined,
          clock: this.clock,
        })
      : undefined
    this.metricsSince.at = this.clock.now()
  }

  /**
   * Sends one record and resolves once the broker acknowledged it (acks
   * `all` or `leader`) or once it was written (acks `none`); rejects with the
   * error that ended this record alone. With `{ topic, messages }` sends
   * several and resolves with their metadata in order, or rejects with a
   * SendError holding each record's outcome.
   */
  send(record: ProducerRecord & { topic: string }): Promise<RecordMetadata>
  send(batch: ProducerBatchInput): Promise<RecordMetadata[]>
  send(
    input: (ProducerRecord & { topic: string }) | ProducerBatchInput,
  ): Promise<RecordMetadata | RecordMetadata[]> {
    if ('messages' in input) return this.sendMany(input)
    return this.sendOne(input)
  }

  /** Sends every record of a source with at most `maxInFlight` unacknowledged; yields each result in source order. */
  sendAll(
    source: Iterable<ProducerRecord> | AsyncIterable<ProducerRecord>,
    options?: SendAllOptions,
  ): AsyncGenerator<SendResult, void, undefined> {
    return sendAll(this, source, options)
  }

  /** An object-mode Writable for `pipeline()`: `write()` returns false while the buffer budget is full. */
  writable(options?: WritableOptions): Writable {
    return producerWritable(this, () => this.flush(), options)
  }

  /** Sends every batch now, without lingering, and resolves once every record sent so far is done. */
  async flush(): Promise<void> {
    this.sender.flushing++
    try {
      while (this.appending.size > 0) await Promise.allSettled([...this.appending])
      const batches = [...this.accumulator.incompleteBatches]
      this.accumulator.closeAll()
      await Promise.all(batches.map((b) => b.whenDone()))
    } finally {
      this.sender.flushing--
    }
  }

  /**
   * Stops taking records, sends what is buffered and waits for it for at
   * most `timeoutMs` (default the delivery timeout); records still not done
   * then fail with ClientClosedError. Closes every connection.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(options.timeoutMs ?? this.options.deliveryTimeoutMs)
    return this.closing
  }

  /** A snapshot of the producer's gauges and counters; rates cover the time since the previous call. */
  metrics(): ProducerMetrics {
    const now = this.clock.now()
    const snapshot = this.metricsAt(now)
    this.metricsSince.at = now
    this.metricsSince.records = this.sender.counters.records
    this.metricsSince.bytes = this.sender.counters.bytes
    return snapshot
  }

  /**
   * The same snapshot without starting a new rate window: its rates cover
   * the time since the last `metrics()` call, and the next `metrics()` call
   * sees no difference. For readers that must not disturb others (a
   * Prometheus scrape, which reads the counters and computes rates itself).
   */
  peekMetrics(): ProducerMetrics {
    return this.metricsAt(this.clock.now())
  }

  private metricsAt(now: number): ProducerMetrics {
    return producerMetrics({
      budget: this.budget,
      accumulator: this.accumulator,
      sender: this.sender,
      drops: this.drops,
      batchBytes: this.options.batchBytes,
      since: this.metricsSince,
      now,
    })
  }

  /** RecordAppender: used by send, sendAll and writable. */
  append(
    record: ProducerRecord,
    sink: CompletionSink,
    token: number,
    defaultTopic?: string,
  ): Promise<void> | undefined {
    if (this.closing) throw new ClientClosedError('producer')
    const topic = record.topic ?? defaultTopic
    if (typeof topic !== 'string' || topic === '') {
      throw new InvalidArgumentError(
        'topic',
        'every record needs a topic (or give one to sendAll / writable)',
      )
    }
    // a `send <topic>` span and a traceparent header when an OpenTelemetry tracer provider is registered
    const tracer = activeSendTracer()
    if (tracer) {
      return traceSend(tracer, record, topic, this.cluster.options.clientId, sink, (r, s) =>
        this.appendTo(topic, r, s, token),
      )
    }
    return this.appendTo(topic, record, sink, token)
  }

  private appendTo(
    topic: string,
    record: ProducerRecord,
    sink: CompletionSink,
    token: number,
  ): Promise<void> | undefined {
    const rec: RecordInput = {
      key: this.keySerializer(record.key, topic),
      value: this.valueSerializer(record.value, topic),
      headers: record.headers === undefined ? NO_HEADERS : headerList(record.headers),
    }
    const timestamp = record.timestamp ?? Date.now()
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new InvalidArgumentError('timestamp', `must be milliseconds since the epoch, got ${timestamp}`)
    }
    const size = RecordBatchBuilder.sizeAlone(rec)
    if (size > this.options.maxRequestBytes)
      throw new RecordTooLargeError(size, this.options.maxRequestBytes, 'maxRequestBytes')
    if (size > this.options.bufferBytes)
      throw new RecordTooLargeError(size, this.options.bufferBytes, 'bufferBytes')
    const metadata = this.cluster.metadata.topic(topic)
    if (metadata) return this.place(metadata, rec, record.partition, timestamp, size, sink, token)
    return this.track(
      this.topicMetadata(topic).then((m) =>
        this.place(m, rec, record.partition, timestamp, size, sink, token),
      ),
    )
  }

  private sendOne(record: ProducerRecord & { topic: string }): Promise<RecordMetadata> {
    return new Promise<RecordMetadata>((resolve, reject) => {
      try {
        this.append(record, new PromiseSink(resolve, reject), 0)?.catch(reject)
      } catch (error) {
        reject(error)
      }
    })
  }

  private async sendMany(batch: ProducerBatchInput): Promise<RecordMetadata[]> {
    const outcomes = await Promise.allSettled(
      batch.messages.map((m) => this.sendOne({ ...m, topic: batch.topic })),
    )
    const results = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error)))
    if (outcomes.some((o) => o.status === 'rejected')) throw new SendError(results)
    return results as RecordMetadata[]
  }

  /** Picks the partition, takes the rate limit, then appends. */
  private place(
    topic: TopicMetadata,
    rec: RecordInput,
    explicit: number | undefined,
    timestamp: number,
    size: number,
    sink: CompletionSink,
    token: number,
  ): Promise<void> | undefined {
    const count = topic.partitions.length
    let partition: number
    if (explicit !== undefined) {
      if (!Number.isInteger(explicit) || explicit < 0 || explicit >= count) {
        throw new InvalidArgumentError(
          'partition',
          `${explicit} is not a partition of ${topic.name} (0-${count - 1})`,
        )
      }
      partition = explicit
    } else {
      partition = this.partitioner.partition(topic, (rec.key ?? null) as Uint8Array | null, rec.value, size)
      if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
        throw new InvalidArgumentError(
          'partitioner',
          `returned ${partition} for ${topic.name}, which has ${count} partitions`,
        )
      }
    }
    if (this.limiter && !this.limiter.tryAcquire(1, size)) {
      return this.track(
        this.limiter
          .acquire(1, size)
          .then(() => this.enqueue(topic.name, partition, rec, timestamp, size, sink, token)),
      )
    }
    return this.enqueue(topic.name, partition, rec, timestamp, size, sink, token)
  }

  /** Into the accumulator: at once if the budget allows, else by `whenFull`. */
  private enqueue(
    topic: string,
    partition: number,
    rec: RecordInput,
    timestamp: number,
    size: number,
    sink: CompletionSink,
    token: number,
  ): Promise<void> | undefined {
    const q = this.accumulator.queue(topic, partition)
    if (this.accumulator.tryAppend(q, rec, timestamp, size, sink, token)) return undefined
    if (this.options.whenFull === 'error') throw new BufferFullError(this.options.bufferBytes, 0)
    if (this.options.whenFull === 'drop-newest') {
      this.drops++
      this.options.onDrop?.({ topic, partition, bytes: size })
      throw new RecordDroppedError(this.options.bufferBytes)
    }
    const capacity = this.accumulator.capacityFor(size)
    const waited = this.budget.reserve(capacity, this.options.maxBlockMs, () => {
      return new BufferFullError(this.options.bufferBytes, this.options.maxBlockMs)
    })
    // a sender waiting for memory makes every batch ready at once (Java's "exhausted")
    this.sender.wake()
    return this.track(
      waited.then(() => {
        if (this.closing) {
          this.budget.release(capacity)
          throw new ClientClosedError('producer')
        }
        this.accumulator.appendReserved(q, rec, timestamp, capacity, sink, token)
      }),
    )
  }

  /** Metadata of a topic not yet known, asked once however many sends wait for it, for at most maxBlockMs. */
  private topicMetadata(topic: string): Promise<TopicMetadata> {
    let waiting = this.topicWaits.get(topic)
    if (!waiting) {
      const timeoutMs = this.options.maxBlockMs
      waiting = this.cluster
        .topicMetadata([topic], { allowAutoTopicCreation: true, timeoutMs })
        .then(
          (found) => found.get(topic)!,
          (error) => {
            if (error instanceof OperationTimeoutError) {
              throw new OperationTimeoutError(`metadata of topic ${topic} (maxBlockMs)`, timeoutMs, {
                cause: error.cause,
              })
            }
            throw error
          },
        )
        .finally(() => this.topicWaits.delete(topic))
      this.topicWaits.set(topic, waiting)
    }
    return waiting
  }

  /** Remembers an append that waits, so flush and close can wait for it too. */
  private track<T>(promise: Promise<T>): Promise<T> {
    const tracked = promise as unknown as Promise<void>
    this.appending.add(tracked)
    const forget = () => this.appending.delete(tracked)
    promise.then(forget, forget)
    return promise
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    this.sender.closing = true
    this.sender.wake()
    const flushed = this.flush().then(() => true)
    let timer: unknown
    const timedOut = new Promise<boolean>((resolve) => {
      timer = this.clock.setTimeout(() => resolve(false), timeoutMs)
    })
    const done = await Promise.race([flushed, timedOut]).catch(() => false)
    this.clock.clearTimeout(timer)
    if (!done) {
      const error = new ClientClosedError('producer')
      this.budget.rejectAll(error)
      for (const batch of [...this.accumulator.incompleteBatches]) {
        this.accumulator.retire(batch)
        batch.fail(error)
      }
    }
    this.sender.stop()
    await this.cluster.close()
  }
}
