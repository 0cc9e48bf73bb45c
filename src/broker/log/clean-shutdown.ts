import { readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { writeDurably } from './file-io.js'

const MARKER_FILE = 'clean-shutdown'

/** What a clean close vouches for: the active segment as it was left. */
export interface CleanShutdownMarker {
  baseOffset: number
  size: number
}

/**
 * Written last by a clean close, once data and indexes are on disk, so the
 * next open can skip the CRC scan of the active segment. Recording the
 * segment's size means a marker that outlived later appends (its removal
 * at open may not have reached the disk before a crash) no longer matches.
 */
export function writeCleanShutdownMarker(dir: string, marker: CleanShutdownMarker): void {
  const path = join(dir, MARKER_FILE)
  writeDurably(`${path}.tmp`, JSON.stringify(marker))
  renameSync(`${path}.tmp`, path)
}

/** Reads and removes the marker: whatever happens after this open, the next one must not trust it. */
export function takeCleanShutdownMarker(dir: string): CleanShutdownMarker | null {
  const path = join(dir, MARKER_FILE)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return null
  }
  rmSync(path, { force: true })
  try {
    const parsed = JSON.parse(text) as Partial<CleanShutdownMarker>
    const { baseOffset, size } = parsed
    return Number.isSafeInteger(baseOffset) && Number.isSafeInteger(size)
      ? { baseOffset: baseOffset!, size: size! }
      : null
  } catch {
    return null
  }
}
