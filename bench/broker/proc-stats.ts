import { readFileSync } from 'node:fs'

/**
 * What Linux's /proc tells about another process: its memory and the CPU it
 * has used. The broker runs in its own process, so these are the only view
 * of its footprint that does not disturb it.
 */

export interface ProcessMemory {
  /** Resident set size now (VmRSS), in bytes. */
  rss: number
  /** Highest resident set size so far (VmHWM), in bytes. */
  peak: number
}

function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)
  if (!match) throw new Error(`no ${name} in /proc status`)
  return Number(match[1]) * 1024
}

export function readMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return { rss: statusField(status, 'VmRSS'), peak: statusField(status, 'VmHWM') }
}

/**
 * Linux reports utime and stime in USER_HZ ticks, which the kernel fixes at
 * 100 per second for user space on every architecture Node runs on.
 */
const TICKS_PER_SECOND = 100

/** User plus system CPU seconds the process has used so far (10 ms resolution). */
export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // the command name may hold spaces and parentheses; the fields that follow start after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state), so utime (field 14) and stime (field 15) are at 11 and 12
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc/${pid}/stat`)
  return (utime + stime) / TICKS_PER_SECOND
}
