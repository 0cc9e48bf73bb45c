import { DiskPartitionLog } from './disk-log.js'
import { MemoryPartitionLog } from './memory-log.js'
import type { PartitionLog, PartitionLogOptions } from './partition-log.js'

/**
 * Opens one partition's log: on disk in `options.dir` (created, or recovered
 * from what a previous run left there), in memory when no directory is given.
 */
export async function openPartitionLog(options: PartitionLogOptions): Promise<PartitionLog> {
  if (options.dir === undefined) return new MemoryPartitionLog(options)
  return DiskPartitionLog.open({ ...options, dir: options.dir })
}
