import { closeSync, ftruncateSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  BATCH_HEADER_BYTES,
  BatchLayout,
  LOG_OVERHEAD,
  type RecordBatchHeader,
  readBatchHeader,
} from '../../protocol/records/batch-header.js'
import { readAt, WindowedReader, writeAt } from './file-io.js'
import { OffsetIndex } from './offset-index.js'
import { TimeIndex } from './time-index.js'

export const LOG_SUFFIX = '.log'
export const INDEX_SUFFIX = '.index'
export const TIME_INDEX_SUFFIX = '.timeindex'
const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/

/** Kafka's naming: the base offset in 20 zero-padded digits, so names sort like offsets. */
export function segmentFileName(baseOffset: number, suffix: string): string {
  return `${String(baseOffset).padStart(20, '0')}${suffix}`
}

export function parseSegmentFileName(name: string): { baseOffset: number; suffix: string } | null {
  const match = SEGMENT_FILE.exec(name)
  if (!match) return null
  const baseOffset = Number(match[1])
  return Number.isSafeInteger(baseOffset) ? { baseOffset, suffix: `.${match[2]}` } : null
}

/** Where one batch sits in a segment file, and which offsets it holds. */
export interface BatchLocation {
  position: number
  size: number
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
}

/**
 * One `.log` file of a disk partition with its sparse offset index and its
 * time index, starting at `baseOffset`. Only the last segment of a log is
 * appended to. Batches are written at explicit positions, so a write that
 * failed halfway is simply overwritten by the next one.
 *
 * The offset index stays in memory for every segment. The time index, which
 * may have an entry per batch, stays in memory only while the segment is
 * active; a rolled segment reads it back from disk for the rare timestamp
 * lookup.
 */
export class Segment {
  /** Bytes of valid batches; the file may be longer only while recovery has not truncated it. */
  size = 0
  /** The offset after this segment's last batch. */
  nextOffset: number
  /** Greatest batch max timestamp, and the base offset of the first batch that has it. */
  maxTimestamp = Number.NEGATIVE_INFINITY
  offsetOfMaxTimestamp = -1
  /** Clock time segment.ms counts from; null until the segment holds a batch. */
  ageBaseMs: number | null = null
  offsetIndex = new OffsetIndex()
  private timeIndex: TimeIndex | null = new TimeIndex()
  /** Log bytes written since the last offset index entry. */
  private bytesSinceIndexEntry = 0

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly fd: number,
  ) {
    this.nextOffset = baseOffset
  }

  /** A new, empty segment; fails if its file already exists rather than overwrite data. */
  static create(dir: string, baseOffset: number): Segment {
    return new Segment(dir, baseOffset, openSync(join(dir, segmentFileName(baseOffset, LOG_SUFFIX)), 'wx+'))
  }

  /** An existing segment file, empty in memory until recovery has read it. */
  static openExisting(dir: string, baseOffset: number): Segment {
    return new Segment(dir, baseOffset, openSync(join(dir, segmentFileName(baseOffset, LOG_SUFFIX)), 'r+'))
  }

  get logPath(): string {
    return join(this.dir, segmentFileName(this.baseOffset, LOG_SUFFIX))
  }

  get indexPath(): string {
    return join(this.dir, segmentFileName(this.baseOffset, INDEX_SUFFIX))
  }

  get timeIndexPath(): string {
    return join(this.dir, segmentFileName(this.baseOffset, TIME_INDEX_SUFFIX))
  }

  get isEmpty(): boolean {
    return this.size === 0
  }

  /** Writes a batch (its offsets already assigned) after the last one and indexes it. */
  append(
    batch: Buffer,
    baseOffset: number,
    lastOffset: number,
    maxTimestamp: number,
    indexIntervalBytes: number,
  ): void {
    const position = this.size
    try {
      writeAt(this.fd, batch, position)
    } catch (err) {
      // leave no partial batch for a reader or a recovery to trip over
      try {
        ftruncateSync(this.fd, position)
      } catch {}
      throw err
    }
    this.track(position, batch.length, baseOffset, lastOffset, maxTimestamp, indexIntervalBytes)
  }

  /**
   * Accounts for a batch stored at `position`: appends and the recovery scan
   * both come through here, so a rebuilt index is the one appends would have made.
   */
  track(
    position: number,
    size: number,
    baseOffset: number,
    lastOffset: number,
    maxTimestamp: number,
    indexIntervalBytes: number,
  ): void {
    // the first batch needs no entry: a lookup with no entry before it starts at position 0
    if (this.bytesSinceIndexEntry > indexIntervalBytes) {
      this.offsetIndex.append(baseOffset - this.baseOffset, position)
      this.bytesSinceIndexEntry = 0
    }
    this.bytesSinceIndexEntry += size
    if (maxTimestamp > this.maxTimestamp || this.offsetOfMaxTimestamp < 0) {
      this.maxTimestamp = maxTimestamp
      this.offsetOfMaxTimestamp = baseOffset
    }
    this.timeIndex?.observe(maxTimestamp, baseOffset - this.baseOffset)
    this.size = position + size
    this.nextOffset = lastOffset + 1
  }

  /** Takes the state recovery validated from the index files instead of scanning the log. */
  restore(
    size: number,
    nextOffset: number,
    offsetIndex: OffsetIndex,
    timeIndex: TimeIndex,
    keepTimeIndex: boolean,
  ): void {
    this.size = size
    this.nextOffset = nextOffset
    this.offsetIndex = offsetIndex
    const last = timeIndex.last()
    if (last) {
      this.maxTimestamp = last.timestamp
      this.offsetOfMaxTimestamp = this.baseOffset + last.offset
    }
    const lastEntry = offsetIndex.last()
    this.bytesSinceIndexEntry = size - (lastEntry?.position ?? 0)
    this.timeIndex = keepTimeIndex ? timeIndex : null
  }

  /** The time index, read back from disk (or rebuilt from the log if that fails) for a rolled segment. */
  timeIndexForLookup(): TimeIndex {
    if (this.timeIndex) return this.timeIndex
    try {
      return TimeIndex.fromBuffer(readFileSync(this.timeIndexPath), this.nextOffset - this.baseOffset)
    } catch {
      const rebuilt = new TimeIndex()
      this.walk(0, (batch) => {
        rebuilt.observe(batch.maxTimestamp, batch.baseOffset - this.baseOffset)
        return true
      })
      return rebuilt
    }
  }

  /** Writes both index files whole; called when the segment rolls, after recovery rebuilt them, and on close. */
  writeIndexes(): void {
    writeFileSync(this.indexPath, this.offsetIndex.toBuffer())
    writeFileSync(this.timeIndexPath, this.timeIndexForLookup().toBuffer())
  }

  /** Frees the in-memory time index of a segment that will take no more appends. */
  releaseTimeIndex(): void {
    this.timeIndex = null
  }

  /**
   * The batch holding `offset`, or the first one after it when it falls in a
   * gap; null past the end. Starts from the offset index and walks headers.
   */
  locate(offset: number): BatchLocation | null {
    let found: BatchLocation | null = null
    this.walk(this.offsetIndex.lookup(offset - this.baseOffset), (batch) => {
      if (batch.lastOffset < offset) return true
      found = batch
      return false
    })
    return found
  }

  /**
   * Visits batch headers from `position` (a batch start) to the end of the
   * segment while `visit` returns true; it gets where the batch is and its
   * whole fixed header. Throws on a header that cannot be there in a segment
   * recovery has accepted: the disk changed under us.
   */
  walk(position: number, visit: (batch: BatchLocation, header: RecordBatchHeader) => boolean): void {
    const reader = new WindowedReader(this.fd, this.size)
    while (position < this.size) {
      const bytes = reader.view(position, BATCH_HEADER_BYTES)
      if (!bytes) throw this.damaged(position, 'a truncated batch header')
      let header: ReturnType<typeof readBatchHeader>
      try {
        header = readBatchHeader(bytes)
      } catch (err) {
        throw this.damaged(position, (err as Error).message)
      }
      if (position + header.size > this.size) throw this.damaged(position, 'a batch running past the end')
      const baseOffset = Number(header.baseOffset)
      const location = {
        position,
        size: header.size,
        baseOffset,
        lastOffset: baseOffset + header.lastOffsetDelta,
        maxTimestamp: header.maxTimestamp,
      }
      if (!visit(location, header)) return
      position += header.size
    }
  }

  /** One batch's bytes. */
  batchAt(location: BatchLocation): Buffer {
    return this.readExactly(location.position, location.size)
  }

  /**
   * Whole batches from `first` on, up to `maxBytes` in total but always
   * including `first` when `takeFirst`, read with one system call. Each
   * element is one batch (a view into the read). `reachedEnd` tells the
   * caller it may continue into the next segment.
   */
  readBatches(
    first: BatchLocation,
    maxBytes: number,
    takeFirst: boolean,
  ): { batches: Buffer[]; bytes: number; reachedEnd: boolean } {
    if (!takeFirst && first.size > maxBytes) return { batches: [], bytes: 0, reachedEnd: false }
    const length = Math.min(this.size - first.position, Math.max(maxBytes, first.size))
    const data = this.readExactly(first.position, length)
    const batches: Buffer[] = []
    let at = 0
    while (length - at >= LOG_OVERHEAD) {
      const size = LOG_OVERHEAD + data.readInt32BE(at + BatchLayout.BATCH_LENGTH)
      if (size < BATCH_HEADER_BYTES) throw this.damaged(first.position + at, `a batch of ${size} bytes`)
      if (at + size > length) break
      batches.push(data.subarray(at, at + size))
      at += size
    }
    return { batches, bytes: at, reachedEnd: first.position + at === this.size }
  }

  /** Max timestamp of the first batch, from which a recovered segment's age is counted. */
  firstBatchMaxTimestamp(): number | null {
    let timestamp: number | null = null
    this.walk(0, (batch) => {
      timestamp = batch.maxTimestamp
      return false
    })
    return timestamp
  }

  close(): void {
    closeSync(this.fd)
  }

  /** Removes the segment's files; the descriptor is closed separately (an fsync may still be using it). */
  deleteFiles(): void {
    for (const path of [this.logPath, this.indexPath, this.timeIndexPath]) rmSync(path, { force: true })
  }

  private readExactly(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length)
    const read = readAt(this.fd, buf, length, position)
    if (read !== length) throw this.damaged(position, `a file ending ${length - read} bytes early`)
    return buf
  }

  private damaged(position: number, what: string): Error {
    return new Error(`segment ${this.logPath} is damaged: ${what} at position ${position}`)
  }
}
