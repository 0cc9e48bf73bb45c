import { readFileSync } from 'node:fs'

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

/** Highest values of process.memoryUsage() fields seen, in bytes. */
export interface MemoryPeaks {
  heapTotal: number
  heapUsed: number
  /** Buffers and other memory V8 objects hold outside the heap. */
  external: number
}

export const RESULT_PREFIX = 'RESULT '

export function readConfig(): ChildConfig {
  const raw = process.argv[2]
  if (!raw) throw new Error('expected the child config as the first argument')
  return JSON.parse(raw) as ChildConfig
}

/** The values to cycle through: distinct, so nothing is accidentally deduplicated, and few, so they cost no memory. */
export function readValues(path: string): Buffer[] {
  const values = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => Buffer.from(line))
  if (values.length === 0) throw new Error(`${path} holds no values`)
  return values
}

export function peakRssBytes(): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
  if (!match) throw new Error('no VmHWM in /proc/self/status')
  return Number(match[1]) * 1024
}

/** Starts the window a report covers. */
export function startWindow(): { finish(): { seconds: number; cpuSeconds: number } } {
  const started = performance.now()
  const cpu = process.cpuUsage()
  return {
    finish() {
      const used = process.cpuUsage(cpu)
      return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 }
    },
  }
}

/**
 * Samples the heap every 250 ms while the client produces, so a peak RSS
 * over the target can be told apart: the V8 heap (objects per record,
 * promises) or memory outside it (Buffers, batch buffers). Not more often:
 * process.memoryUsage() costs up to a millisecond under GC pressure, and at
 * 20 Hz it showed in the producer's CPU profile.
 */
export function sampleMemory(): { stop(): MemoryPeaks } {
  const peaks: MemoryPeaks = { heapTotal: 0, heapUsed: 0, external: 0 }
  const sample = () => {
    const m = process.memoryUsage()
    peaks.heapTotal = Math.max(peaks.heapTotal, m.heapTotal)
    peaks.heapUsed = Math.max(peaks.heapUsed, m.heapUsed)
    peaks.external = Math.max(peaks.external, m.external)
  }
  const timer = setInterval(sample, 250)
  return {
    stop() {
      clearInterval(timer)
      sample()
      return peaks
    },
  }
}

export function report(result: ChildReport): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`)
}

/** Runs a child's body; a thrown error goes to stderr with exit code 1, which the parent shows as the run's failure. */
export async function runChild(body: (config: ChildConfig) => Promise<ChildReport>): Promise<void> {
  const config = readConfig()
  try {
    report(await body(config))
  } catch (err) {
    process.stderr.write(`${(err as Error)?.stack ?? err}\n`)
    process.exitCode = 1
  }
}
