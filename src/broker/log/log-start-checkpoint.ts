import { readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { writeDurably } from './file-io.js'

const CHECKPOINT_FILE = 'log-start-offset'

/**
 * The log start offset set by DeleteRecords, which the segments alone cannot
 * tell (it usually falls inside a segment). Retention needs no checkpoint:
 * the first remaining segment's base offset says where it left the start.
 * Written to a temporary file and renamed, so a crash leaves the old value
 * or the new one.
 */
export function writeLogStartCheckpoint(dir: string, offset: number): void {
  const path = join(dir, CHECKPOINT_FILE)
  writeDurably(`${path}.tmp`, `${offset}\n`)
  renameSync(`${path}.tmp`, path)
}

/** The checkpointed start, or 0 when there is none or it cannot be read. */
export function readLogStartCheckpoint(dir: string): number {
  let text: string
  try {
    text = readFileSync(join(dir, CHECKPOINT_FILE), 'utf8')
  } catch {
    return 0
  }
  const offset = Number(text.trim())
  return Number.isSafeInteger(offset) && offset >= 0 && /^\d+$/.test(text.trim()) ? offset : 0
}
