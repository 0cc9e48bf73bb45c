import { fstatSync, fsyncSync, ftruncateSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { BATCH_HEADER_BYTES, readBatchHeader, verifyBatchCrc } from '../../protocol/records/batch-header.js'
import { takeCleanShutdownMarker } from './clean-shutdown.js'
import { WindowedReader } from './file-io.js'
import { OffsetIndex } from './offset-index.js'
import { LOG_SUFFIX, parseSegmentFileName, Segment } from './segment.js'
import { TimeIndex } from './time-index.js'

const INT32_MAX = 0x7fff_ffff
/** Read size of the recovery scan; a larger batch gets a window of its own size. */
const SCAN_WINDOW_BYTES = 1024 * 1024

export interface RecoveredLog {
  /** Segments in offset order, the last one active; empty for a new directory. */
  segments: Segment[]
  /** Bytes cut off torn or corrupt segment tails. */
  truncatedBytes: number
  /** Segments whose indexes had to be rebuilt from their log. */
  rebuiltSegments: number
}

/**
 * Loads a partition directory. The active segment is scanned batch by batch
 * with CRCs, since a crash can leave its tail half written; so is any segment
 * whose index files are missing or do not fit its log. Other segments are
 * trusted after a cheap consistency check of their indexes against the log.
 * After a clean close, the marker it left lets the active segment be treated
 * like the others.
 */
export function recoverLog(dir: string, indexIntervalBytes: number): RecoveredLog {
  const bases = new Set<number>()
  const others: string[] = []
  for (const name of readdirSync(dir)) {
    const parsed = parseSegmentFileName(name)
    if (parsed?.suffix === LOG_SUFFIX) bases.add(parsed.baseOffset)
    else if (parsed) others.push(name)
  }
  // indexes whose log is gone belong to a segment deleted halfway
  for (const name of others) {
    if (!bases.has(parseSegmentFileName(name)!.baseOffset)) rmSync(join(dir, name), { force: true })
  }
  const ordered = [...bases].sort((a, b) => a - b)
  const marker = takeCleanShutdownMarker(dir)
  const result: RecoveredLog = { segments: [], truncatedBytes: 0, rebuiltSegments: 0 }
  try {
    for (let i = 0; i < ordered.length; i++) {
      const segment = Segment.openExisting(dir, ordered[i])
      result.segments.push(segment)
      const active = i === ordered.length - 1
      const fileSize = fstatSync(segment.fd).size
      const cleanActive = active && marker?.baseOffset === segment.baseOffset && marker.size === fileSize
      if ((!active || cleanActive) && loadFromIndexes(segment, fileSize, active)) continue
      result.truncatedBytes += scanAndRepair(segment, fileSize, indexIntervalBytes)
      if (!active) segment.releaseTimeIndex()
      result.rebuiltSegments++
    }
    for (let i = 1; i < result.segments.length; i++) {
      const previous = result.segments[i - 1]
      if (previous.nextOffset > result.segments[i].baseOffset) {
        throw new Error(
          `segment ${previous.logPath} holds offsets up to ${previous.nextOffset - 1}, past the start of the next one`,
        )
      }
    }
  } catch (err) {
    for (const segment of result.segments) segment.close()
    throw err
  }
  return result
}

/**
 * Rebuilds a segment from its log: keeps batches while each is whole, magic
 * 2, CRC-correct and continues the offsets, then cuts the file after the last
 * good one and rewrites the indexes. Returns the bytes cut.
 */
function scanAndRepair(segment: Segment, fileSize: number, indexIntervalBytes: number): number {
  const reader = new WindowedReader(segment.fd, fileSize, SCAN_WINDOW_BYTES)
  let position = 0
  while (position < fileSize) {
    const batch = validBatchAt(reader, position, segment)
    if (!batch) break
    segment.track(
      position,
      batch.size,
      batch.baseOffset,
      batch.lastOffset,
      batch.maxTimestamp,
      indexIntervalBytes,
    )
    position += batch.size
  }
  if (position < fileSize) {
    ftruncateSync(segment.fd, position)
    // the cut must reach the disk before new appends land where the garbage was
    fsyncSync(segment.fd)
  }
  segment.writeIndexes()
  return fileSize - position
}

interface ScannedBatch {
  size: number
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
}

/** The batch at `position` if it is intact and follows the segment's offsets, else null (the tail is cut there). */
function validBatchAt(reader: WindowedReader, position: number, segment: Segment): ScannedBatch | null {
  const headerBytes = reader.view(position, BATCH_HEADER_BYTES)
  if (!headerBytes) return null
  let header: ReturnType<typeof readBatchHeader>
  try {
    // refuses a magic other than 2 and a length too small for a header
    header = readBatchHeader(headerBytes)
  } catch {
    return null
  }
  // null when the batch runs past the end of the file; a garbage length never sizes a buffer
  const whole = reader.view(position, header.size)
  if (!whole) return null
  try {
    verifyBatchCrc(whole)
  } catch {
    return null
  }
  const baseOffset = Number(header.baseOffset)
  const lastOffset = baseOffset + header.lastOffsetDelta
  if (baseOffset < segment.nextOffset || header.lastOffsetDelta < 0) return null
  if (lastOffset - segment.baseOffset > INT32_MAX || !Number.isSafeInteger(lastOffset)) return null
  return { size: header.size, baseOffset, lastOffset, maxTimestamp: header.maxTimestamp }
}

/**
 * Takes a segment's state from its index files after checking they fit its
 * log: the walk from the last offset index entry must land exactly on the
 * end of the file, and the time index must cover the batches seen. Returns
 * false (leaving the segment untouched) when anything is off.
 */
function loadFromIndexes(segment: Segment, fileSize: number, keepTimeIndex: boolean): boolean {
  try {
    const offsetIndex = OffsetIndex.fromBuffer(readFileSync(segment.indexPath), fileSize)
    const last = offsetIndex.last()
    const reader = new WindowedReader(segment.fd, fileSize)
    let position = last?.position ?? 0
    let expectedBase = segment.baseOffset + (last?.offset ?? 0)
    let nextOffset = segment.baseOffset
    let walkedMax = Number.NEGATIVE_INFINITY
    while (position < fileSize) {
      const bytes = reader.view(position, BATCH_HEADER_BYTES)
      if (!bytes) return false
      const header = readBatchHeader(bytes)
      const baseOffset = Number(header.baseOffset)
      // the indexed batch starts exactly at its entry's offset; the ones after only move forward
      const atEntry = last !== null && position === last.position
      if (atEntry ? baseOffset !== expectedBase : baseOffset < expectedBase) return false
      if (header.lastOffsetDelta < 0 || position + header.size > fileSize) return false
      nextOffset = baseOffset + header.lastOffsetDelta + 1
      expectedBase = nextOffset
      walkedMax = Math.max(walkedMax, header.maxTimestamp)
      position += header.size
    }
    const timeIndex = TimeIndex.fromBuffer(
      readFileSync(segment.timeIndexPath),
      nextOffset - segment.baseOffset,
    )
    const maxEntry = timeIndex.last()
    if (fileSize > 0 && (maxEntry === null || maxEntry.timestamp < walkedMax)) return false
    if (fileSize === 0 && maxEntry !== null) return false
    segment.restore(fileSize, nextOffset, offsetIndex, timeIndex, keepTimeIndex)
    return true
  } catch {
    return false
  }
}
