import type { Clock } from '../../flow/clock.js'
import type { RecordInput } from '../../protocol/records/index.js'
import type { BufferBudget } from './buffer-budget.js'
import { ProducerBatch } from './producer-batch.js'
import type { CompletionSink } from './record-metadata.js'

/** One partition's batches: those waiting to be sent, in order, and those in flight. */
export class PartitionQueue {
  readonly queued: ProducerBatch[] = []
  readonly inFlight: ProducerBatch[] = []
  /** The sequence the next batch sent gets (idempotence). */
  nextSequence = 0
  /** Last sequence the broker acknowledged; -1 before any. */
  lastAckedSequence = -1
  /** Nothing is sent before this time: a failed batch waits out its backoff. */
  retryAt = 0

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** The batch still taking records, if any. */
  get open(): ProducerBatch | undefined {
    const last = this.queued.at(-1)
    return last && !last.closed ? last : undefined
  }
}

/**
 * Java's RecordAccumulator: records land in the open batch of their
 * partition until it holds `batchBytes`; a new batch takes a buffer of
 * max(`batchBytes`, the record's own size) from the budget, and the sender
 * takes closed or lingered batches from the head of each queue. The budget
 * counts each batch's buffer from its creation to its last answer, so what
 * waits, what is in flight and what is retried all stay within `bufferBytes`.
 */
export class RecordAccumulator {
  private readonly queues = new Map<string, PartitionQueue>()
  /** Batches created and not yet done, in creation order. */
  private readonly incomplete = new Set<ProducerBatch>()

  constructor(
    readonly budget: BufferBudget,
    private readonly batchBytes: number,
    private readonly clock: Clock,
    /** Told when a batch is created or closes: the sender may have work, or a linger timer to set. */
    private readonly onChange: () => void,
  ) {}

  queue(topic: string, partition: number): PartitionQueue {
    const key = `${topic}\0${partition}`
    let q = this.queues.get(key)
    if (!q) {
      q = new PartitionQueue(topic, partition)
      this.queues.set(key, q)
    }
    return q
  }

  allQueues(): IterableIterator<PartitionQueue> {
    return this.queues.values()
  }

  /** Batches not yet done. */
  get incompleteBatches(): ReadonlySet<ProducerBatch> {
    return this.incomplete
  }

  /** The buffer a batch starting with a record of this size needs. */
  capacityFor(recordSize: number): number {
    return Math.max(this.batchBytes, recordSize)
  }

  /**
   * Appends to the open batch, or to a new one if the budget has room for
   * it right now. False: no room; the caller reserves (waiting, or not, by
   * policy) and calls `appendReserved`.
   */
  tryAppend(
    q: PartitionQueue,
    record: RecordInput,
    timestamp: number,
    recordSize: number,
    sink: CompletionSink,
    token: number,
  ): boolean {
    const open = q.open
    if (open?.tryAppend(record, timestamp, sink, token, this.batchBytes)) {
      if (open.closed) this.onChange()
      return true
    }
    const capacity = this.capacityFor(recordSize)
    if (!this.budget.tryReserve(capacity)) return false
    this.newBatch(q, capacity, capacity).tryAppend(record, timestamp, sink, token, this.batchBytes)
    return true
  }

  /** Appends with `reserved` bytes already taken from the budget (given back if an open batch takes the record). */
  appendReserved(
    q: PartitionQueue,
    record: RecordInput,
    timestamp: number,
    reserved: number,
    sink: CompletionSink,
    token: number,
  ): void {
    const open = q.open
    if (open?.tryAppend(record, timestamp, sink, token, this.batchBytes)) {
      this.budget.release(reserved)
      if (open.closed) this.onChange()
      return
    }
    this.newBatch(q, reserved, reserved).tryAppend(record, timestamp, sink, token, this.batchBytes)
  }

  /** Closes every open batch (flush): the sender takes them without waiting for linger. */
  closeAll(): void {
    for (const q of this.queues.values()) {
      const open = q.open
      if (open) open.closed = true
    }
    this.onChange()
  }

  /** A batch is done: its buffer goes back to the budget. */
  retire(batch: ProducerBatch): void {
    if (!this.incomplete.delete(batch)) return
    this.budget.release(batch.reservedBytes)
    batch.reservedBytes = 0
  }

  /** A compressed batch holds less than its buffer once sealed: give the difference back now. */
  shrink(batch: ProducerBatch): void {
    const retained = batch.builder.retainedBytes
    if (retained < batch.reservedBytes && this.incomplete.has(batch)) {
      this.budget.release(batch.reservedBytes - retained)
      batch.reservedBytes = retained
    }
  }

  private newBatch(q: PartitionQueue, capacity: number, reserved: number): ProducerBatch {
    const open = q.open
    if (open) open.closed = true
    const batch = new ProducerBatch(q.topic, q.partition, capacity, this.clock.now(), reserved)
    q.queued.push(batch)
    this.incomplete.add(batch)
    this.onChange()
    return batch
  }
}
