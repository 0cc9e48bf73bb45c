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
  /** Per topic, indexed by partition: looked up once per record, so no key strings are built. */
  private readonly queues = new Map<string, PartitionQueue[]>()
  private readonly all: PartitionQueue[] = []
  /** Batches created and not yet done, in creation order. */
  private readonly incomplete = new Set<ProducerBatch>()
  /**
   * Buffers of `batchBytes` from acknowledged batches, kept for the next
   * batches (Java's BufferPool): allocating a fresh 16 KiB buffer per batch
   * costs more than filling it. Their bytes stay counted in the budget.
   */
  private readonly pool: Buffer[] = []

  constructor(
    readonly budget: BufferBudget,
    private readonly batchBytes: number,
    private readonly clock: Clock,
    /** Told when a batch is created or closes: the sender may have work, or a linger timer to set. */
    private readonly onChange: () => void,
  ) {}

  queue(topic: string, partition: number): PartitionQueue {
    let byPartition = this.queues.get(topic)
    if (!byPartition) {
      byPartition = []
      this.queues.set(topic, byPartition)
    }
    let q = byPartition[partition]
    if (!q) {
      q = new PartitionQueue(topic, partition)
      byPartition[partition] = q
      this.all.push(q)
    }
    return q
  }

  allQueues(): readonly PartitionQueue[] {
    return this.all
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
    const pooled = capacity === this.batchBytes ? this.pool.pop() : undefined
    if (!pooled && !this.reserveFreeingPool(capacity)) return false
    this.newBatch(q, capacity, capacity, pooled).tryAppend(record, timestamp, sink, token, this.batchBytes)
    return true
  }

  /** Reserves, giving pooled buffers back to the budget where that makes the room. */
  private reserveFreeingPool(bytes: number): boolean {
    while (!this.budget.tryReserve(bytes)) {
      const spare = this.pool.pop()
      if (!spare) return false
      this.budget.release(spare.length)
    }
    return true
  }

  /** Bytes held in pooled buffers: counted in the budget, free for the next batches. */
  get pooledBytes(): number {
    return this.pool.length * this.batchBytes
  }

  /** Pooled bytes go back to the budget, for reservations waiting there (and at close). */
  drainPool(): void {
    for (let spare = this.pool.pop(); spare; spare = this.pool.pop()) this.budget.release(spare.length)
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
    for (const q of this.all) {
      const open = q.open
      if (open) open.closed = true
    }
    this.onChange()
  }

  /**
   * A batch is done: its buffer goes to the pool for the next batch, or
   * back to the budget when sends are waiting there or it is not of the
   * standard size.
   */
  retire(batch: ProducerBatch): void {
    if (!this.incomplete.delete(batch)) return
    const reserved = batch.reservedBytes
    batch.reservedBytes = 0
    const buffer = batch.builder.releaseBuffer()
    if (
      buffer &&
      buffer.length === this.batchBytes &&
      reserved === this.batchBytes &&
      this.budget.waiting === 0
    ) {
      this.pool.push(buffer)
      return
    }
    this.budget.release(reserved)
  }

  /** A compressed batch holds less than its buffer once sealed: give the difference back now. */
  shrink(batch: ProducerBatch): void {
    const retained = batch.builder.retainedBytes
    if (retained < batch.reservedBytes && this.incomplete.has(batch)) {
      this.budget.release(batch.reservedBytes - retained)
      batch.reservedBytes = retained
    }
  }

  private newBatch(q: PartitionQueue, capacity: number, reserved: number, buffer?: Buffer): ProducerBatch {
    const open = q.open
    if (open) open.closed = true
    const batch = new ProducerBatch(q.topic, q.partition, capacity, this.clock.now(), reserved, buffer)
    q.queued.push(batch)
    this.incomplete.add(batch)
    this.onChange()
    return batch
  }
}
