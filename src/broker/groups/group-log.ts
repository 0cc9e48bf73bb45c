import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { crc32c } from '../../protocol/records/crc32c.js'
import type { Clock } from '../clock.js'
import { writeDurably } from '../log/file-io.js'
import type { FsyncPolicy } from '../log/partition-log.js'
import { type FsyncFd, SyncTracker } from '../log/sync-tracker.js'
import type { Logger } from '../logger.js'
import {
  type GroupLogRecord,
  type GroupSnapshot,
  parseGroupLogRecord,
  parseGroupSnapshot,
} from './group-records.js'

/**
 * Where the group coordinator keeps its state on disk, in `<dataDir>/groups/`:
 *
 * - `offsets.log`, append-only: every committed-offset batch, group
 *   generation and group deletion, one frame each (4-byte length, 4-byte
 *   CRC32C of the payload, JSON payload). A frame is written to the OS before
 *   the request it records is answered, so a killed process loses nothing;
 *   the broker's fsync policy decides when it reaches the disk ('always':
 *   an OffsetCommit is answered after its fsync).
 * - `snapshot.json`: the whole state, written to a temporary file, fsynced
 *   and renamed over the old one. Compaction writes it and then empties the
 *   log, once the log has outgrown both a floor and the last snapshot, so the
 *   work stays proportional to what was appended. A clean close compacts too.
 *
 * This was chosen over an internal topic because it needs no topic of our own
 * in Metadata and a restart reads one small file instead of replaying a log.
 * Loading reads the snapshot, then the log on top of it. Every record sets or
 * deletes whole entries, so replaying a log that a crash left un-emptied
 * after its snapshot was written gives the same state again. A torn last
 * frame (crash mid-write) fails its length or CRC check and is cut off.
 */

const LOG_FILE = 'offsets.log'
const SNAPSHOT_FILE = 'snapshot.json'
const FRAME_HEADER_BYTES = 8
/** The log is compacted once it is larger than this and than the last snapshot. */
const DEFAULT_COMPACTION_BYTES = 1024 * 1024

export interface GroupLogOptions {
  /** Directory of the group coordinator's files (created when missing). */
  dir: string
  fsync: FsyncPolicy
  flushIntervalMs: number
  clock: Clock
  logger: Logger
  compactionBytes?: number
  /** Replaceable fsync for tests that fail it. */
  fsyncFd?: FsyncFd
}

export interface OpenedGroupLog {
  log: GroupLog
  /** The last snapshot, or null before the first compaction. */
  snapshot: GroupSnapshot | null
  /** Records appended since that snapshot, in order. */
  records: GroupLogRecord[]
}

export function groupLogDir(dataDir: string): string {
  return join(dataDir, 'groups')
}

/** Opens the coordinator's files, cutting off a torn last frame, and returns what they hold. */
export function openGroupLog(options: GroupLogOptions): OpenedGroupLog {
  mkdirSync(options.dir, { recursive: true })
  const snapshotPath = join(options.dir, SNAPSHOT_FILE)
  rmSync(`${snapshotPath}.tmp`, { force: true })
  let snapshot: GroupSnapshot | null = null
  let snapshotBytes = 0
  try {
    const text = readFileSync(snapshotPath, 'utf8')
    snapshotBytes = Buffer.byteLength(text)
    snapshot = parseGroupSnapshot(JSON.parse(text))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`cannot read ${snapshotPath}: ${(err as Error).message}`)
    }
  }
  const logPath = join(options.dir, LOG_FILE)
  let bytes: Buffer
  try {
    bytes = readFileSync(logPath)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    bytes = Buffer.alloc(0)
  }
  const { records, validBytes } = readFrames(bytes, logPath)
  if (validBytes < bytes.length) {
    options.logger.warn(
      `${logPath}: cutting off ${bytes.length - validBytes} bytes of a torn write after ${records.length} records`,
    )
    truncateSync(logPath, validBytes)
  }
  const fd = openSync(logPath, 'a')
  return { log: new GroupLog(options, fd, validBytes, snapshotBytes), snapshot, records }
}

/** Frames up to the first that is incomplete or fails its CRC. */
function readFrames(bytes: Buffer, path: string): { records: GroupLogRecord[]; validBytes: number } {
  const records: GroupLogRecord[] = []
  let at = 0
  while (at + FRAME_HEADER_BYTES <= bytes.length) {
    const length = bytes.readUInt32BE(at)
    const end = at + FRAME_HEADER_BYTES + length
    if (end > bytes.length) break
    const payload = bytes.subarray(at + FRAME_HEADER_BYTES, end)
    if (crc32c(payload) !== bytes.readUInt32BE(at + 4)) break
    let parsed: unknown
    try {
      parsed = JSON.parse(payload.toString('utf8'))
    } catch (err) {
      throw new Error(
        `${path}: record at byte ${at} passed its CRC but is not JSON: ${(err as Error).message}`,
      )
    }
    records.push(parseGroupLogRecord(parsed))
    at = end
  }
  return { records, validBytes: at }
}

function frame(record: GroupLogRecord): Buffer {
  const payload = Buffer.from(JSON.stringify(record), 'utf8')
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length)
  out.writeUInt32BE(payload.length, 0)
  out.writeUInt32BE(crc32c(payload), 4)
  payload.copy(out, FRAME_HEADER_BYTES)
  return out
}

export class GroupLog {
  private readonly tracker: SyncTracker
  private readonly compactionBytes: number
  private timer: unknown = undefined
  private closed = false
  /** A write that failed and could not be undone: the file may hold garbage, so no more appends. */
  private broken: Error | null = null

  constructor(
    private readonly options: GroupLogOptions,
    private readonly fd: number,
    /** Bytes of whole frames in the log. */
    private size: number,
    private snapshotBytes: number,
  ) {
    this.tracker = new SyncTracker(options.fsyncFd)
    this.compactionBytes = options.compactionBytes ?? DEFAULT_COMPACTION_BYTES
  }

  get sizeBytes(): number {
    return this.size
  }

  /** Large enough that writing a snapshot and emptying the log pays off. */
  get needsCompaction(): boolean {
    return this.size > this.compactionBytes && this.size > this.snapshotBytes
  }

  /**
   * Writes one record to the OS (it survives the process being killed from
   * here on). Throws when it cannot be written; a partial write is undone so
   * the next append does not land behind garbage.
   */
  append(record: GroupLogRecord): void {
    this.ensureWritable()
    const bytes = frame(record)
    try {
      let done = 0
      while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done)
    } catch (err) {
      try {
        ftruncateSync(this.fd, this.size)
      } catch (undo) {
        this.broken = undo as Error
      }
      throw err
    }
    this.size += bytes.length
    this.tracker.markFd(this.fd)
    if (this.options.fsync === 'always') this.tracker.start()
    else if (this.options.fsync === 'interval') this.scheduleFlush()
  }

  /** Resolves once everything appended before the call is on disk; rejects after an fsync failure. */
  flush(): Promise<void> {
    return this.tracker.sync()
  }

  /** Replaces the snapshot with `snapshot` and empties the log. */
  compact(snapshot: GroupSnapshot): void {
    this.ensureWritable()
    const path = join(this.options.dir, SNAPSHOT_FILE)
    const text = JSON.stringify(snapshot)
    writeDurably(`${path}.tmp`, text)
    renameSync(`${path}.tmp`, path)
    syncDirectory(this.options.dir)
    // from here the snapshot holds everything; a crash before the truncation reaches the disk only means replaying records it already contains
    ftruncateSync(this.fd, 0)
    if (this.options.fsync !== 'never') fsyncSync(this.fd)
    this.size = 0
    this.snapshotBytes = Buffer.byteLength(text)
  }

  /** Syncs what is pending, leaves one snapshot behind for a quick next start, and releases the file. */
  async close(snapshot: GroupSnapshot): Promise<void> {
    if (this.closed) return
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer)
    this.timer = undefined
    try {
      await this.tracker.sync()
      if (this.size > 0) this.compact(snapshot)
    } finally {
      this.closed = true
      await this.tracker.idle()
      closeSync(this.fd)
    }
  }

  private ensureWritable(): void {
    if (this.closed) throw new Error('the group log is closed')
    if (this.broken)
      throw new Error(`the group log refuses writes after a failed write: ${this.broken.message}`)
    const failure = this.tracker.failure
    if (failure) throw new Error(`the group log refuses writes after an fsync failure: ${failure.message}`)
  }

  private scheduleFlush(): void {
    if (this.timer !== undefined) return
    const handle = this.options.clock.setTimeout(() => {
      this.timer = undefined
      // a failure stays in the tracker and refuses the next append
      this.tracker.start()
    }, this.options.flushIntervalMs)
    ;(handle as { unref?: () => void } | null)?.unref?.()
    this.timer = handle
  }
}

function syncDirectory(dir: string): void {
  let fd: number
  try {
    fd = openSync(dir, 'r')
  } catch {
    return
  }
  try {
    fsyncSync(fd)
  } catch (err) {
    // some platforms cannot sync a directory; the rename is then as durable as they allow
    const code = (err as NodeJS.ErrnoException).code ?? ''
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes(code)) throw err
  } finally {
    closeSync(fd)
  }
}
