import { readFileSync } from 'node:fs'
import { type MemoryPeaks, runChild as runAnyChild } from '../../support/child-runtime.js'

/**
 * What the benchmark tells a client child and what the child answers. Each
 * client produces from a process of its own so that the memory and CPU it
 * reports are its alone; the parent passes one JSON argument and reads one
 * `RESULT {...}` line back from stdout (anything else the client prints is
 * ignored). The Java producer speaks the same protocol.
 */

export type AckMode = 'leader' | 'all'

export interface ChildConfig {
  bootstrap: string
  topic: string
  records: number
  acks: AckMode
  /** Only with acks 'all'. */
  idempotent: boolean
  /** A file of distinct record values, one per line, reused in turn. */
  valuesFile: string
  /** Client-specific knobs (mode, window, chunk size, extra options). */
  tuning: Record<string, unknown>
}

export interface ChildReport {
  /** Records the client says the broker acknowledged. */
  acknowledged: number
  /** Records the client says failed. */
  failed: number
  /** The first failure, for the report. */
  firstError?: string
  /** From creating the client (connecting included) to the last acknowledgement. */
  seconds: number
  /** User + system CPU of the whole process over the same window (all threads). */
  cpuSeconds: number
  /** VmHWM at the end: the most resident memory the process ever had, start-up included. */
  peakRssBytes: number
  /** What the client was driven with, for the table's notes. */
  method: string
  /** What the client says of its own work (Sluice: its metrics), for the notes. */
  detail?: string
  /** Highest heap and off-heap figures sampled while producing (Node children that sample). */
  memory?: MemoryPeaks
}

// the helpers every benchmark child shares live in bench/support
export {
  type MemoryPeaks,
  peakRssBytes,
  RESULT_PREFIX,
  sampleMemory,
  startWindow,
} from '../../support/child-runtime.js'

/** The values to cycle through: distinct, so nothing is accidentally deduplicated, and few, so they cost no memory. */
export function readValues(path: string): Buffer[] {
  const values = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => Buffer.from(line))
  if (values.length === 0) throw new Error(`${path} holds no values`)
  return values
}

export function runChild(body: (config: ChildConfig) => Promise<ChildReport>): Promise<void> {
  return runAnyChild(body)
}
