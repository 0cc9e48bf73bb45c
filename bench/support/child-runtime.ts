import { readFileSync } from 'node:fs'

/**
 * What every benchmark child process (bench/producer/children,
 * bench/consumer/children) does the same way: it takes one JSON argument,
 * measures its own CPU and peak memory, and answers with one
 * `RESULT {...}` line on stdout (anything else it prints is ignored). The
 * Java children speak the same protocol.
 */

export const RESULT_PREFIX = 'RESULT '

export function readConfig<C>(): C {
  const raw = process.argv[2]
  if (!raw) throw new Error('expected the child config as the first argument')
  return JSON.parse(raw) as C
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

/** Highest values of process.memoryUsage() fields seen, in bytes. */
export interface MemoryPeaks {
  heapTotal: number
  heapUsed: number
  /** Buffers and other memory V8 objects hold outside the heap. */
  external: number
}

/**
 * Samples the heap every 250 ms while the client works, so a peak RSS
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

export function report(result: object): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`)
}

/**
 * Runs a child's body; a thrown error goes to stderr with exit code 1, which
 * the parent shows as the run's failure. The process then exits at once:
 * a client that failed half way still holds sockets and timers, and would
 * otherwise sit there until the parent's timeout. After a report it gets a
 * few seconds to finish closing by itself.
 */
export async function runChild<C, R extends object>(body: (config: C) => Promise<R>): Promise<void> {
  const config = readConfig<C>()
  try {
    report(await body(config))
    setTimeout(() => process.exit(0), 5000).unref()
  } catch (err) {
    // stderr is a pipe, written synchronously on Linux, so the text is out before exit
    process.stderr.write(`${(err as Error)?.stack ?? err}\n`)
    process.exit(1)
  }
}
