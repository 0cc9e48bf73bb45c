import { readFileSync } from 'node:fs'
import type { MemoryFigure } from './scenario.js'

/**
 * Peak resident memory of the processes a scenario runs, read from Linux's
 * /proc (VmHWM, the kernel's own high-water mark, so a spike between two
 * polls is not missed while the process lives). A name collects every life
 * of a process (a consumer restarted 50 times is one `consumer` figure).
 */
export class MemoryWatch {
  private readonly peaks = new Map<string, number>()
  private readonly watched = new Map<number, string>()
  private readonly timer: NodeJS.Timeout

  constructor(pollMs = 100) {
    this.timer = setInterval(() => this.poll(), pollMs)
    this.timer.unref()
  }

  /** Starts following a process; call `poll` before killing it to catch its last figure. */
  watch(name: string, pid: number): void {
    this.watched.set(pid, name)
    this.peaks.set(name, this.peaks.get(name) ?? 0)
    this.poll()
  }

  /** Peak over all lives so far, in bytes (0 when never seen). */
  peak(name: string): number {
    return this.peaks.get(name) ?? 0
  }

  poll(): void {
    for (const [pid, name] of this.watched) {
      const hwm = highWaterMark(pid)
      if (hwm === undefined) this.watched.delete(pid)
      else this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, hwm))
    }
  }

  figures(bounds: Readonly<Record<string, number>> = {}): MemoryFigure[] {
    this.poll()
    return [...this.peaks].map(([name, peakBytes]) => ({ name, peakBytes, boundBytes: bounds[name] }))
  }

  stop(): void {
    clearInterval(this.timer)
  }
}

/** VmHWM of a live process in bytes; undefined once it is gone. */
export function highWaterMark(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

/** VmRSS of a live process in bytes; undefined once it is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}
