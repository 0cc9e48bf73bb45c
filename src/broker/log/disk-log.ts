import { mkdirSync, rmSync } from 'node:fs'
import {
  type RecordBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from '../../protocol/records/batch-header.js'
import { type Clock, systemClock } from '../clock.js'
import { assertAppendable } from './append-check.js'
import { writeCleanShutdownMarker } from './clean-shutdown.js'
import { readLogStartCheckpoint, writeLogStartCheckpoint } from './log-start-checkpoint.js'
import type {
  AppendBatchInfo,
  FsyncPolicy,
  LogSettings,
  PartitionLog,
  PartitionLogOptions,
} from './partition-log.js'
import { recoverLog } from './recovery.js'
import { type BatchLocation, Segment } from './segment.js'
import { type FsyncFd, SyncTracker } from './sync-tracker.js'

const INT32_MAX = 0x7fff_ffff

export interface DiskLogOptions extends PartitionLogOptions {
  dir: string
}

/** Replaceable I/O for tests that count or fail fsyncs. */
export interface DiskLogIo {
  fsync?: FsyncFd
}

/** What opening the log had to repair; worth a log line when not zero. */
export interface RecoverySummary {
  truncatedBytes: number
  rebuiltSegments: number
}

/**
 * The disk engine: a directory of segments (`<base offset>.log` with its
 * `.index` and `.timeindex`), the last one taking appends. Appends write
 * synchronously to the OS and do constant work besides an occasional roll;
 * durability follows the fsync policy (see `FsyncPolicy` and `flush`).
 *
 * Segments roll on size and age (age by the injected clock, from the
 * segment's first append). Retention deletes whole segments from the oldest,
 * the active one only when all of it is due, after rolling a fresh one.
 */
export class DiskPartitionLog implements PartitionLog {
  readonly recovery: RecoverySummary
  private readonly dir: string
  private readonly segments: Segment[]
  private startOffset: number
  private bytes: number
  private settings: LogSettings
  private readonly tracker: SyncTracker
  private readonly clock: Clock
  private readonly fsyncPolicy: FsyncPolicy
  private readonly flushIntervalMs: number
  private readonly leaderEpoch: number
  private timer: unknown = undefined
  private closed = false
  private closing: Promise<void> | null = null
  private filesReleased = false
  /** Descriptors of deleted segments are closed here, once no fsync pass can be using them. */
  private retiring: Promise<void> = Promise.resolve()

  /** Opens (creating or recovering) the partition in `options.dir`. */
  static async open(options: DiskLogOptions, io: DiskLogIo = {}): Promise<DiskPartitionLog> {
    return new DiskPartitionLog(options, io)
  }

  private constructor(options: DiskLogOptions, io: DiskLogIo) {
    this.dir = options.dir
    this.settings = { retention: options.retention, segment: options.segment }
    this.clock = options.clock ?? systemClock
    this.fsyncPolicy = options.fsync
    this.flushIntervalMs = options.flushIntervalMs
    this.leaderEpoch = options.leaderEpoch ?? 0
    this.tracker = new SyncTracker(io.fsync)
    mkdirSync(this.dir, { recursive: true })
    const recovered = recoverLog(this.dir, this.settings.segment.indexIntervalBytes)
    this.recovery = { truncatedBytes: recovered.truncatedBytes, rebuiltSegments: recovered.rebuiltSegments }
    this.segments = recovered.segments
    try {
      const checkpoint = readLogStartCheckpoint(this.dir)
      const last = this.segments.at(-1)
      if (!last || checkpoint > last.nextOffset) {
        // nothing stored, or a crash lost data the start had already moved past: begin afresh at the start
        for (const segment of this.segments.splice(0)) {
          segment.close()
          segment.deleteFiles()
        }
        this.segments.push(Segment.create(this.dir, checkpoint))
        this.tracker.markPath(this.dir)
      }
      this.startOffset = Math.max(checkpoint, this.segments[0].baseOffset)
      this.bytes = this.segments.reduce((sum, s) => sum + s.size, 0)
      // segments a DeleteRecords left wholly below the start, if a crash came before their deletion
      let below = 0
      while (below < this.segments.length - 1 && this.segments[below].nextOffset <= this.startOffset) below++
      this.dropLeading(below)
      const active = this.active
      if (!active.isEmpty) {
        // as Kafka does, a reopened segment's age runs from its first batch's timestamp when that is plausible
        const first = active.firstBatchMaxTimestamp()
        const now = this.clock.now()
        active.ageBaseMs = first !== null && first >= 0 ? Math.min(first, now) : now
      }
    } catch (err) {
      for (const segment of this.segments) segment.close()
      throw err
    }
    if (this.fsyncPolicy === 'interval') this.scheduleFlush()
  }

  get logStartOffset(): number {
    return this.startOffset
  }

  get logEndOffset(): number {
    return this.active.nextOffset
  }

  get sizeBytes(): number {
    return this.bytes
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]
  }

  append(batch: Buffer, info: AppendBatchInfo): number {
    this.ensureWritable()
    assertAppendable(batch, info)
    const now = this.clock.now()
    let segment = this.active
    if (this.shouldRoll(segment, batch.length, info.offsetCount, now)) segment = this.roll()
    const baseOffset = segment.nextOffset
    setBaseOffset(batch, 0, BigInt(baseOffset))
    setPartitionLeaderEpoch(batch, 0, info.leaderEpoch ?? this.leaderEpoch)
    segment.append(
      batch,
      baseOffset,
      baseOffset + info.offsetCount - 1,
      info.maxTimestamp,
      this.settings.segment.indexIntervalBytes,
    )
    segment.ageBaseMs ??= now
    this.bytes += batch.length
    this.tracker.markFd(segment.fd)
    // the fsync starts now; the produce path's flush() then only waits for it
    if (this.fsyncPolicy === 'always') this.tracker.start()
    return baseOffset
  }

  read(offset: number, maxBytes: number): Buffer[] {
    this.ensureOpen()
    const out: Buffer[] = []
    if (offset >= this.logEndOffset) return out
    let remaining = maxBytes
    for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
      const segment = this.segments[i]
      if (offset >= segment.nextOffset) continue
      const first = segment.locate(Math.max(offset, segment.baseOffset))
      if (!first) continue
      const got = segment.readBatches(first, remaining, out.length === 0)
      for (const batch of got.batches) out.push(batch)
      remaining -= got.bytes
      if (!got.reachedEnd || remaining <= 0) break
    }
    return out
  }

  batchForTimestamp(timestamp: number): Buffer | null {
    this.ensureOpen()
    for (const segment of this.segments) {
      if (segment.isEmpty || segment.maxTimestamp < timestamp) continue
      const relative = segment.timeIndexForLookup().firstAtOrAfter(timestamp)
      if (relative === null) continue
      const found = segment.locate(segment.baseOffset + relative)
      if (found && found.lastOffset >= this.startOffset) return segment.batchAt(found)
      // the match lies below the log start, which only the first segment straddles
      const served = this.firstServed(segment, (batch) => batch.maxTimestamp >= timestamp)
      if (served) return segment.batchAt(served)
    }
    return null
  }

  batchWithMaxTimestamp(): Buffer | null {
    this.ensureOpen()
    let best: { segment: Segment; timestamp: number; location: BatchLocation | null } | null = null
    for (const segment of this.segments) {
      if (segment.isEmpty) continue
      let timestamp = segment.maxTimestamp
      let location: BatchLocation | null = null
      if (segment.offsetOfMaxTimestamp < this.startOffset) {
        location = segment.locate(segment.offsetOfMaxTimestamp)
        if (!location || location.lastOffset < this.startOffset) {
          // the segment's maximum is no longer served: find the maximum among what is
          location = this.maxServed(segment)
          if (!location) continue
          timestamp = location.maxTimestamp
        }
      }
      // strictly greater keeps the earliest batch on ties
      if (best === null || timestamp > best.timestamp) best = { segment, timestamp, location }
    }
    if (best === null) return null
    const location = best.location ?? best.segment.locate(best.segment.offsetOfMaxTimestamp)
    return location ? best.segment.batchAt(location) : null
  }

  forEachBatchHeader(visit: (header: RecordBatchHeader) => void): void {
    this.ensureOpen()
    for (const segment of this.segments) {
      segment.walk(0, (_, header) => {
        visit(header)
        return true
      })
    }
  }

  deleteRecordsBefore(offset: number): number {
    this.ensureWritable()
    const target = Math.min(offset, this.logEndOffset)
    if (target <= this.startOffset) return this.startOffset
    writeLogStartCheckpoint(this.dir, target)
    this.tracker.markPath(this.dir)
    this.startOffset = target
    // whole segments below the new start go now; an empty active segment holds nothing to delete
    const n = this.segments.length
    let below = 0
    while (
      below < n &&
      this.segments[below].nextOffset <= target &&
      (below < n - 1 || !this.segments[below].isEmpty)
    ) {
      below++
    }
    this.deleteOldest(below)
    return this.startOffset
  }

  applyRetention(nowMs: number): number {
    this.ensureWritable()
    const { retentionMs, retentionBytes } = this.settings.retention
    const n = this.segments.length
    // the active segment may go only when it holds data: it is replaced by an empty one first
    const deletable = (i: number) => i < n - 1 || !this.segments[i].isEmpty
    let count = 0
    if (retentionMs >= 0) {
      while (count < n && deletable(count) && nowMs - this.segments[count].maxTimestamp > retentionMs) count++
    }
    if (retentionBytes >= 0) {
      // Kafka's rule: delete the oldest only while what remains still holds retention.bytes
      let remaining = this.bytes
      for (let i = 0; i < count; i++) remaining -= this.segments[i].size
      while (count < n && deletable(count) && remaining - this.segments[count].size >= retentionBytes) {
        remaining -= this.segments[count].size
        count++
      }
    }
    return this.deleteOldest(count)
  }

  configure(settings: LogSettings): void {
    this.settings = settings
  }

  async flush(): Promise<void> {
    // a flush racing close is answered by close's own final sync
    if (this.closing) return this.closing
    if (this.closed) return
    await this.tracker.sync()
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown()
    return this.closing
  }

  private async shutDown(): Promise<void> {
    this.closed = true
    this.stopFlushTimer()
    let failure: unknown = null
    try {
      const active = this.active
      active.writeIndexes()
      this.tracker.markPath(active.indexPath)
      this.tracker.markPath(active.timeIndexPath)
      await this.tracker.sync()
      // only now that everything is on disk may the next open skip scanning the active segment
      writeCleanShutdownMarker(this.dir, { baseOffset: active.baseOffset, size: active.size })
    } catch (err) {
      failure = err
    }
    await this.releaseFiles()
    if (failure) throw failure
  }

  async destroy(): Promise<void> {
    // its outcome no longer matters: the files are about to go
    await this.closing?.catch(() => {})
    this.closed = true
    this.stopFlushTimer()
    await this.releaseFiles()
    rmSync(this.dir, { recursive: true, force: true })
  }

  private shouldRoll(segment: Segment, size: number, offsetCount: number, now: number): boolean {
    if (segment.isEmpty) return false
    const { segmentBytes, segmentMs } = this.settings.segment
    if (segment.size + size > segmentBytes) return true
    if (segment.ageBaseMs !== null && now - segment.ageBaseMs > segmentMs) return true
    // relative offsets in the indexes are int32
    return segment.nextOffset + offsetCount - 1 - segment.baseOffset > INT32_MAX
  }

  /** Closes the active segment for appends: its indexes are written whole and an fsync of it starts. */
  private roll(): Segment {
    const old = this.active
    old.writeIndexes()
    old.releaseTimeIndex()
    this.tracker.markFd(old.fd)
    this.tracker.markPath(old.indexPath)
    this.tracker.markPath(old.timeIndexPath)
    const next = Segment.create(this.dir, old.nextOffset)
    this.segments.push(next)
    this.tracker.markPath(this.dir)
    // a rolled segment is flushed whatever the policy, as Kafka does
    this.tracker.start()
    return next
  }

  /** Deletes the `count` oldest segments, rolling first if that includes the active one. Returns bytes released. */
  private deleteOldest(count: number): number {
    if (count === 0) return 0
    if (count >= this.segments.length) this.roll()
    const released = this.dropLeading(count)
    this.startOffset = Math.max(this.startOffset, this.segments[0].baseOffset)
    return released
  }

  private dropLeading(count: number): number {
    if (count === 0) return 0
    const removed = this.segments.splice(0, count)
    let released = 0
    for (const segment of removed) {
      released += segment.size
      this.tracker.forgetFd(segment.fd)
      segment.deleteFiles()
    }
    this.bytes -= released
    this.retiring = this.retiring
      .then(() => this.tracker.idle())
      .then(() => {
        for (const segment of removed) segment.close()
      })
      .catch(() => {})
    return released
  }

  /** Index of the segment whose range holds `offset`, or the first one when it lies before all. */
  private segmentIndexFor(offset: number): number {
    let low = 0
    let high = this.segments.length - 1
    while (low < high) {
      const mid = (low + high + 1) >>> 1
      if (this.segments[mid].baseOffset <= offset) low = mid
      else high = mid - 1
    }
    return low
  }

  /** First batch of `segment` at or after the log start that satisfies `test`. */
  private firstServed(segment: Segment, test: (batch: BatchLocation) => boolean): BatchLocation | null {
    const from = segment.locate(Math.max(this.startOffset, segment.baseOffset))
    let found: BatchLocation | null = null
    if (from) {
      segment.walk(from.position, (batch) => {
        if (!test(batch)) return true
        found = batch
        return false
      })
    }
    return found
  }

  /** Earliest batch with the greatest max timestamp among those of `segment` still served. */
  private maxServed(segment: Segment): BatchLocation | null {
    let best: BatchLocation | null = null
    const from = segment.locate(Math.max(this.startOffset, segment.baseOffset))
    if (from) {
      segment.walk(from.position, (batch) => {
        if (best === null || batch.maxTimestamp > best.maxTimestamp) best = batch
        return true
      })
    }
    return best
  }

  private scheduleFlush(): void {
    const handle = this.clock.setTimeout(() => {
      this.timer = undefined
      // a failure is kept by the tracker and refuses the next append
      void this.tracker
        .sync()
        .catch(() => {})
        .finally(() => {
          if (!this.closed) this.scheduleFlush()
        })
    }, this.flushIntervalMs)
    // the timer alone must not keep a process alive
    ;(handle as { unref?: () => void } | null)?.unref?.()
    this.timer = handle
  }

  private stopFlushTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  private async releaseFiles(): Promise<void> {
    if (this.filesReleased) return
    this.filesReleased = true
    await this.tracker.idle()
    await this.retiring
    for (const segment of this.segments) segment.close()
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error(`partition log ${this.dir} is closed`)
  }

  private ensureWritable(): void {
    this.ensureOpen()
    const failure = this.tracker.failure
    if (failure)
      throw new Error(`partition log ${this.dir} refuses writes after an fsync failure: ${failure.message}`)
  }
}
