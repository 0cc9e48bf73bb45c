import { spawn } from 'node:child_process'
import { trackChild } from '../broker/cleanup.js'
import { type ChildReport, RESULT_PREFIX } from './children/child-protocol.js'

/**
 * Runs one client process to its end: kills it if it outlives `timeoutMs`,
 * keeps the tail of its stderr for the report and picks its RESULT line out
 * of stdout. Client processes get the environment without NODE_OPTIONS, so
 * a profiling flag meant for the benchmark does not slow the clients down
 * (the Sluice child is profiled on request, through its own arguments).
 */

export interface Finished {
  code: number | null
  signal: string | null
  wallSeconds: number
  stdout: string
  stderrTail: string
  timedOut: boolean
}

export interface Launch {
  command: string
  args: readonly string[]
  /** An open file for the child's stdin (kcat reads its records there). */
  stdinFd?: number
  env?: Readonly<Record<string, string>>
}

const STDOUT_LIMIT = 1 << 20

export function runProcess(launch: Launch, timeoutMs: number): Promise<Finished> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...launch.env }
  delete env.NODE_OPTIONS
  const started = performance.now()
  const child = spawn(launch.command, [...launch.args], {
    stdio: [launch.stdinFd ?? 'ignore', 'pipe', 'pipe'],
    env,
  })
  trackChild(child)
  let stdout = ''
  let stderrTail = ''
  let timedOut = false
  child.stdout?.on('data', (chunk: Buffer) => {
    if (stdout.length < STDOUT_LIMIT) stdout += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-6000)
  })
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, timeoutMs)
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        code,
        signal,
        wallSeconds: (performance.now() - started) / 1000,
        stdout,
        stderrTail,
        timedOut,
      })
    })
  })
}

/** The child's report, or why there is none. */
export function childReport(finished: Finished): ChildReport | { error: string } {
  const line = finished.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX))
  const why = () => {
    if (finished.timedOut) return 'timed out'
    if (finished.code !== 0) return `exited with ${finished.code ?? finished.signal}`
    return 'printed no RESULT line'
  }
  if (!line || finished.code !== 0) {
    return { error: `${why()}${finished.stderrTail ? `: ${lastLines(finished.stderrTail, 6)}` : ''}` }
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildReport
}

export function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' | ')
}
