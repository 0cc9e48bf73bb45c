import type { Clock } from '../../../flow/clock.js'
import { Watermarks } from '../../../flow/watermarks.js'
import type { Overflow } from '../consumer-options.js'
import { OffsetTracker } from '../offset-tracker.js'
import type { FetchedRecord } from './fetched-records.js'

/** A fetched record waiting in its partition's queue, or being processed. */
export type QueuedRecord = FetchedRecord

/** Bytes and records fetched and not yet finished, over all partitions: the consumer's budget. */
export class BufferUsage {
  bytes = 0
  records = 0

  constructor(
    readonly maxBytes: number,
    readonly maxRecords: number,
  ) {}

  get full(): boolean {
    return this.bytes >= this.maxBytes || this.records >= this.maxRecords
  }

  /** What the next fetch may bring without passing the budget (at least a little, so nothing deadlocks). */
  get roomBytes(): number {
    return Math.max(0, this.maxBytes - this.bytes)
  }
}

/** Why a record was dropped by an overflow strategy. */
export type DropReason = Exclude<Overflow, 'pause'>

/**
 * One assigned partition in the consumer: where it is read from, the
 * records fetched and not yet started (a queue), the records fetched and not
 * yet finished (its offset tracker), and whether it may be fetched: paused
 * by the application, by the breaker, or by its own buffer at the high
 * watermark (resumed at the low one; with an overflow strategy other than
 * `pause` the buffer never pauses fetching, it drops instead).
 */
export class PartitionState {
  /** The next offset to fetch; -1 until the starting position is known. */
  position = -1
  /** Leader epoch the partition's metadata had when it was last used (fetch fencing, KIP-320). */
  leaderEpoch = -1
  highWatermark = -1
  /** Bumped by seek and revoke: completions of records fetched before are ignored. */
  epoch = 0
  userPaused = false
  breakerPaused = false
  /** A Fetch for it is out. */
  fetching = false
  revoked = false
  /** The offset last committed (or -1). */
  committed = -1
  /** Records taken from the queue and not finished (running, or waiting in an ordering lane). */
  inFlight = 0
  /** When the oldest queued record arrived (for runBatch's maxWaitMs); 0 while the queue is empty. */
  queuedSince = 0
  /** Bytes of the queued (not yet taken) records. */
  queuedBytes = 0
  tracker: OffsetTracker
  /** Bytes and records of unfinished records (queued and in flight) of this partition. */
  bytes = 0
  records = 0
  private readonly queue: (QueuedRecord | undefined)[] = []
  private head = 0
  /** Queued, not started records by key (conflation with `latest`). */
  private readonly byKey = new Map<string | null, QueuedRecord>()
  private readonly watermarks: Watermarks

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly usage: BufferUsage,
    private readonly overflow: Overflow,
    limits: { bytes: number; records: number },
    private readonly clock: Clock,
    private readonly onPause: (paused: boolean) => void,
  ) {
    this.tracker = new OffsetTracker(0)
    this.maxBytes = limits.bytes
    this.maxRecords = limits.records
    // level = the larger of the byte and record fill, as a fraction of its limit
    this.watermarks = new Watermarks({ high: 1, low: 0.5, clock, onChange: (paused) => this.onPause(paused) })
  }

  private readonly maxBytes: number
  private readonly maxRecords: number

  /** Records waiting to be started. */
  get queued(): number {
    return this.queue.length - this.head
  }

  /** The buffer is at its high watermark (and has not yet fallen to its low one). */
  get bufferPaused(): boolean {
    return this.watermarks.paused
  }

  /** Time spent with fetching paused by the buffer, in all. */
  get pausedMs(): number {
    return this.watermarks.stats().pausedMs
  }

  /**
   * Whether the dispatcher may take records out of the queue ahead of when
   * it can run them: only under `pause`, since the other strategies drop or
   * conflate what still waits in the queue.
   */
  get mayTakeAhead(): boolean {
    return this.overflow === 'pause'
  }

  /** Whether the fetcher may ask for more now. */
  get fetchable(): boolean {
    if (this.revoked || this.userPaused || this.breakerPaused || this.position < 0 || this.fetching)
      return false
    if (this.pausesWhenFull) return !this.bufferPaused && !this.usage.full
    return true
  }

  /**
   * Bytes a fetch may bring into this partition's buffer: what is left below
   * its limit under `pause` and `latest`, which stop fetching there; no
   * bound of its own under the drop strategies, which drop to make room.
   */
  get fetchRoomBytes(): number {
    return this.pausesWhenFull ? Math.max(0, this.maxBytes - this.bytes) : Number.POSITIVE_INFINITY
  }

  private get pausesWhenFull(): boolean {
    return this.overflow === 'pause' || this.overflow === 'latest'
  }

  /**
   * Starts reading at `offset`, forgetting what was fetched before
   * (assignment, seek, an offset out of range): records still running
   * finish uncounted.
   */
  reset(offset: number): void {
    this.forgetAll()
    this.position = offset
    this.tracker = new OffsetTracker(offset)
    this.updateLevel()
  }

  /** The partition is gone (revoked, lost, closing): nothing of it counts against the budget any more. */
  discard(): void {
    this.revoked = true
    this.forgetAll()
  }

  private forgetAll(): void {
    this.epoch++
    this.dropQueued()
    this.usage.bytes -= this.bytes
    this.usage.records -= this.records
    this.bytes = 0
    this.records = 0
    this.queuedSince = 0
  }

  /**
   * Takes in a Fetch answer's records. Returns the records an overflow
   * strategy dropped (already finished), for the drop counters and `onDrop`.
   */
  enqueue(
    records: readonly FetchedRecord[],
    nextOffset: number,
  ): { record: QueuedRecord; reason: DropReason }[] {
    const dropped: { record: QueuedRecord; reason: DropReason }[] = []
    const wasEmpty = this.queued === 0
    for (let i = 0; i < records.length; i++) {
      const r = records[i]
      r.slot = this.tracker.add(r.offset, i === records.length - 1 ? nextOffset : r.offset + 1)
      r.epoch = this.epoch
      this.count(r.size, 1)
      this.place(r, dropped)
    }
    this.tracker.skipTo(nextOffset)
    this.position = nextOffset
    if (wasEmpty && this.queued > 0) this.queuedSince = this.clock.now()
    this.updateLevel()
    return dropped
  }

  /** The next record to start, or undefined. */
  take(): QueuedRecord | undefined {
    while (this.head < this.queue.length) {
      const r = this.queue[this.head]
      this.queue[this.head++] = undefined
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head)
        this.head = 0
      }
      if (r === undefined) continue
      if (this.overflow === 'latest' && this.byKey.get(r.keyText) === r) this.byKey.delete(r.keyText)
      this.inFlight++
      this.queuedBytes -= r.size
      if (this.head === this.queue.length) this.queuedSince = 0
      return r
    }
    return undefined
  }

  /** The next record to start, without taking it. */
  peek(): QueuedRecord | undefined {
    for (let i = this.head; i < this.queue.length; i++) if (this.queue[i] !== undefined) return this.queue[i]
    return undefined
  }

  /** A started record stopped running (done or abandoned); settles it unless it was settled already. */
  finish(record: QueuedRecord): void {
    this.inFlight--
    this.settle(record)
  }

  /** The record's offset counts as done and its bytes leave the budget (once; a stale record is ignored). */
  settle(record: QueuedRecord): void {
    if (record.settled || record.epoch !== this.epoch) return
    record.settled = true
    this.tracker.finish(record.slot)
    this.count(-record.size, -1)
    this.updateLevel()
  }

  /** A taken record that will not run after all (its partition is going): uncounted, not finished. */
  abandon(record: QueuedRecord): void {
    this.inFlight--
    if (record.settled || record.epoch !== this.epoch) return
    record.settled = true
    this.count(-record.size, -1)
  }

  /** The offset that may be committed now. */
  committable(): number {
    return this.tracker.committable()
  }

  /** Drops what is queued (revoke, seek, close): the next owner, or the new position, reads it again. */
  dropQueued(): void {
    for (let i = this.head; i < this.queue.length; i++) {
      const r = this.queue[i]
      if (r && !r.settled) {
        r.settled = true
        this.count(-r.size, -1)
      }
    }
    this.queue.length = 0
    this.head = 0
    this.byKey.clear()
    this.queuedBytes = 0
  }

  private place(record: QueuedRecord, dropped: { record: QueuedRecord; reason: DropReason }[]): void {
    if (this.overflow === 'latest') {
      const older = this.byKey.get(record.keyText)
      if (older) {
        this.queue[this.queue.indexOf(older, this.head)] = undefined
        this.queuedBytes -= older.size
        this.drop(older, 'latest', dropped)
      }
      this.byKey.set(record.keyText, record)
      this.push(record)
      return
    }
    if (this.overflow === 'drop-newest' && this.overLimit()) {
      this.drop(record, 'drop-newest', dropped)
      return
    }
    this.push(record)
    if (this.overflow === 'drop-oldest') {
      while (this.overLimit() && this.queued > 1) {
        const oldest = this.queue[this.head]
        this.queue[this.head++] = undefined
        if (!oldest) continue
        this.queuedBytes -= oldest.size
        this.drop(oldest, 'drop-oldest', dropped)
      }
    }
  }

  private push(record: QueuedRecord): void {
    this.queue.push(record)
    this.queuedBytes += record.size
  }

  private overLimit(): boolean {
    return (
      this.bytes > this.maxBytes || this.records > this.maxRecords || this.usage.bytes > this.usage.maxBytes
    )
  }

  private drop(
    record: QueuedRecord,
    reason: DropReason,
    dropped: { record: QueuedRecord; reason: DropReason }[],
  ): void {
    record.settled = true
    this.tracker.finish(record.slot)
    this.count(-record.size, -1)
    dropped.push({ record, reason })
  }

  private count(bytes: number, records: number): void {
    this.bytes += bytes
    this.records += records
    this.usage.bytes += bytes
    this.usage.records += records
  }

  private updateLevel(): void {
    this.watermarks.update(Math.max(this.bytes / this.maxBytes, this.records / this.maxRecords))
  }
}
