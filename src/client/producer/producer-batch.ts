import { RecordBatchBuilder, type RecordInput, type SealOptions } from '../../protocol/records/index.js'
import type { CompletionSink } from './record-metadata.js'

/** Sequence numbers wrap at int32 max, as the broker expects (Java's DefaultRecordBatch.incrementSequence). */
const SEQUENCE_MOD = 2 ** 31

export function addSequence(sequence: number, count: number): number {
  return (sequence + count) % SEQUENCE_MOD
}

/**
 * One partition's batch in the producer: the records' bytes, who to tell
 * about each record, and where the batch is in its life (open for appends,
 * closed and waiting to be sent, in flight, done). It holds `reservedBytes`
 * of the buffer budget until it is done.
 */
let serials = 0

export class ProducerBatch {
  /** Creation order, across partitions: a retried batch goes back before any created after it. */
  readonly serial = serials++
  readonly builder: RecordBatchBuilder
  readonly sinks: CompletionSink[] = []
  readonly tokens: number[] = []
  readonly timestamps: number[] = []
  /** No more appends: it is full, was flushed, or has been sent. */
  closed = false
  done = false
  /** -1 until the first send gives it its sequence numbers (idempotence). */
  baseSequence = -1
  producerEpoch = -1
  attempts = 0
  lastError: Error | undefined
  private doneWaiters: (() => void)[] = []

  constructor(
    readonly topic: string,
    readonly partition: number,
    capacity: number,
    readonly createdAt: number,
    public reservedBytes: number,
    buffer?: Buffer,
  ) {
    this.builder = new RecordBatchBuilder(capacity, buffer)
  }

  get recordCount(): number {
    return this.builder.recordCount
  }

  get sizeInBytes(): number {
    return this.builder.sizeInBytes
  }

  /** Appends unless the record does not fit; the batch closes itself once full. */
  tryAppend(
    record: RecordInput,
    timestamp: number,
    sink: CompletionSink,
    token: number,
    fullAt: number,
  ): boolean {
    if (this.closed || !this.builder.tryAppend(record, timestamp)) return false
    this.sinks.push(sink)
    this.tokens.push(token)
    this.timestamps.push(timestamp)
    if (this.builder.sizeInBytes >= fullAt) this.closed = true
    return true
  }

  seal(options: SealOptions): Buffer {
    this.closed = true
    return this.builder.seal(options)
  }

  /** Every record acknowledged: offsets follow the base offset. */
  complete(baseOffset: bigint, logAppendTime: number): void {
    if (this.done) return
    this.finish()
    for (let i = 0; i < this.sinks.length; i++) {
      this.sinks[i].complete(this.tokens[i], {
        topic: this.topic,
        partition: this.partition,
        offset: baseOffset < 0n ? -1n : baseOffset + BigInt(i),
        timestamp: logAppendTime >= 0 ? logAppendTime : this.timestamps[i],
      })
    }
  }

  /** Every record fails with `error`. */
  fail(error: Error): void {
    if (this.done) return
    this.finish()
    for (let i = 0; i < this.sinks.length; i++) this.sinks[i].fail(this.tokens[i], error)
  }

  /** Resolves once the batch is done, either way. */
  whenDone(): Promise<void> {
    if (this.done) return Promise.resolve()
    return new Promise((resolve) => this.doneWaiters.push(resolve))
  }

  private finish(): void {
    this.done = true
    this.closed = true
    for (const waiter of this.doneWaiters.splice(0)) waiter()
  }
}
