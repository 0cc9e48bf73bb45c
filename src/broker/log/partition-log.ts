import type { RecordBatchHeader } from '../../protocol/records/batch-header.js'
import type { Clock } from '../clock.js'
import type { MemoryBudget } from './memory-budget.js'

/**
 * One partition's append-only log of record batches, kept verbatim.
 *
 * Offsets are JS numbers inside the broker (safe to 2^53, far beyond what one
 * machine can write); handlers convert to and from the protocol's bigints at
 * the edge. The broker never decompresses: a batch is validated by its header
 * and CRC, its base offset is rewritten, and its bytes are stored as they came.
 */
export interface PartitionLog {
  /** First offset still readable (advanced by retention and DeleteRecords). */
  readonly logStartOffset: number
  /** Offset the next appended record gets; equal to the high watermark (no replication). */
  readonly logEndOffset: number
  /** Bytes of batches currently held. */
  readonly sizeBytes: number

  /**
   * Assigns offsets to a validated batch (rewriting its base offset and leader
   * epoch in place) and stores it. Returns the base offset it received.
   *
   * Synchronous, so offsets are handed out in call order. On disk the bytes
   * are written (to the OS) before it returns but are durable only once a
   * `flush()` that started after it resolves: with fsync 'always' the produce
   * path must await `flush()` before acknowledging. Throws once the log is
   * closed or after an fsync failed (the data on disk can no longer be
   * trusted to match what was acknowledged).
   */
  append(batch: Buffer, info: AppendBatchInfo): number

  /**
   * Whole batches starting with the one that contains `offset`, up to
   * `maxBytes` in total but always at least one batch when any exists at or
   * after `offset`. Empty when `offset` is the log end offset.
   * The caller has checked `offset` against logStartOffset..logEndOffset.
   * Each element is exactly one batch; the caller must not modify them.
   */
  read(offset: number, maxBytes: number): Buffer[]

  /**
   * The first batch (from the log start) whose max timestamp is at or after
   * `timestamp`, for ListOffsets by time. The handler decodes that one batch
   * to find the exact record, as Kafka does; that lookup is not on the
   * produce or fetch path. Null when no batch qualifies.
   */
  batchForTimestamp(timestamp: number): Buffer | null

  /** The batch holding the greatest max timestamp (ListOffsets MAX_TIMESTAMP, -3), earliest on ties. */
  batchWithMaxTimestamp(): Buffer | null

  /**
   * Calls `visit` with the header of every stored batch, oldest first (the
   * batch straddling the log start included), reading nothing but the fixed
   * headers. State derived from batch headers alone, such as the idempotent
   * producers' last sequence numbers, is rebuilt this way after a restart.
   */
  forEachBatchHeader(visit: (header: RecordBatchHeader) => void): void

  /**
   * Moves the log start offset forward (DeleteRecords). Whole batches or
   * segments wholly below it may be dropped; a batch that straddles it stays
   * stored but offsets below the new start are no longer served. An offset
   * past the log end is clamped to it; one below the current start changes
   * nothing. Returns the log start offset afterwards. The disk engine
   * persists the new start so it survives a restart.
   */
  deleteRecordsBefore(offset: number): number

  /** Applies time and size retention; returns the number of bytes released. */
  applyRetention(nowMs: number): number

  /**
   * Applies changed topic configs (AlterConfigs): segment settings take effect
   * at the next append, retention at the next `applyRetention`.
   */
  configure(settings: LogSettings): void

  /**
   * Resolves once everything appended before the call is on disk, whatever
   * the fsync policy (no-op in memory). Concurrent calls share fsyncs (group
   * commit), so awaiting it per produce request is cheap under load.
   */
  flush(): Promise<void>
  /** Flushes, writes the indexes and releases files and timers; the log is unusable afterwards. */
  close(): Promise<void>
  /** Deletes all data of this partition (topic deletion). */
  destroy(): Promise<void>
}

/** What the produce path learned from the batch header, so the log need not re-read it. */
export interface AppendBatchInfo {
  /** lastOffsetDelta + 1: how many offsets the batch consumes. */
  offsetCount: number
  /** The batch's max timestamp (create time), or the log-append time when the topic uses it. */
  maxTimestamp: number
  /**
   * The partition's leader epoch now, stamped into the batch; absent means the
   * epoch the log was opened with. A test cluster moves it on leader changes.
   */
  leaderEpoch?: number
}

export interface RetentionSettings {
  /** `retention.ms`: batches older than this are deleted; -1 keeps forever. */
  retentionMs: number
  /** `retention.bytes`: oldest data beyond this size is deleted; -1 means no limit. */
  retentionBytes: number
}

export interface SegmentSettings {
  /** `segment.bytes`: roll to a new segment past this size. */
  segmentBytes: number
  /** `segment.ms`: roll a segment older than this. */
  segmentMs: number
  /** `index.interval.bytes`: bytes of log between two sparse offset-index entries. */
  indexIntervalBytes: number
}

export interface LogSettings {
  retention: RetentionSettings
  segment: SegmentSettings
}

/**
 * When the disk engine fsyncs. 'never': the OS writes back when it likes (and
 * at close). 'interval': every `flushIntervalMs`. 'always': every append starts
 * an fsync at once, and `flush()` (which the produce path awaits before
 * answering) resolves when it is done.
 */
export type FsyncPolicy = 'never' | 'interval' | 'always'

/** Everything `openPartitionLog` needs; segment and fsync settings matter only on disk. */
export interface PartitionLogOptions extends LogSettings {
  /** This partition's own directory; absent selects the memory engine. */
  dir?: string
  fsync: FsyncPolicy
  /** Period of `fsync: 'interval'`. */
  flushIntervalMs: number
  /** Time for segment age and the flush timer; the system clock when absent. */
  clock?: Clock
  /** Written into appended batches that do not bring their own (`AppendBatchInfo.leaderEpoch`); 0 when absent. */
  leaderEpoch?: number
  /** Memory engine only: the broker-wide byte budget this log counts against. */
  memoryBudget?: MemoryBudget
  /** `topic-partition`, for log lines. */
  name?: string
}
