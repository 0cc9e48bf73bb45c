import { spawn } from 'node:child_process'
import type { Writable } from 'node:stream'
import { trackChild } from '../broker/cleanup.js'
import { RESULT_PREFIX } from './child-runtime.js'

/**
 * Runs one client process to its end: kills it if it outlives `timeoutMs`,
 * keeps the tail of its stderr for the report and picks its RESULT line out
 * of stdout. Client processes get the environment without NODE_OPTIONS, so
 * a profiling flag meant for the benchmark does not slow the clients down
 * (the Sluice child is profiled on request, through its own arguments).
 * A child that takes part in a scenario (a consumer told when to stop)
 * is started with `startProcess`: its stdin is a pipe and its stdout lines
 * can be waited for.
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
  /** An open file for the child's stdin (kcat reads its records there); else a pipe (`Started.stdin`). */
  stdinFd?: number
  env?: Readonly<Record<string, string>>
  /** Sees stdout as it streams (kcat's records, which are too many to keep). */
  onStdout?: (chunk: Buffer) => void
}

export interface Started {
  pid: number
  finished: Promise<Finished>
  /** Null when the child reads a file (`stdinFd`). */
  stdin: Writable | null
  /** Resolves with the first stdout line that starts with `prefix` (past or future); rejects if the child ends first. */
  line(prefix: string): Promise<string>
  kill(signal?: NodeJS.Signals): void
}

const STDOUT_LIMIT = 1 << 20

export function startProcess(launch: Launch, timeoutMs: number): Started {
  const env: NodeJS.ProcessEnv = { ...process.env, ...launch.env }
  delete env.NODE_OPTIONS
  const started = performance.now()
  const child = spawn(launch.command, [...launch.args], {
    stdio: [launch.stdinFd ?? 'pipe', 'pipe', 'pipe'],
    env,
  })
  trackChild(child)
  let stdout = ''
  let stderrTail = ''
  let timedOut = false
  let ended = false
  const waiters: { prefix: string; resolve(line: string): void; reject(err: Error): void }[] = []
  // only complete lines count: a line is whole once its newline has arrived
  const completeLine = (prefix: string) =>
    stdout
      .split('\n')
      .slice(0, -1)
      .find((l) => l.startsWith(prefix))
  child.stdout?.on('data', (chunk: Buffer) => {
    launch.onStdout?.(chunk)
    if (launch.onStdout || stdout.length >= STDOUT_LIMIT) return
    stdout += chunk.toString()
    for (let i = waiters.length - 1; i >= 0; i--) {
      const found = completeLine(waiters[i].prefix)
      if (found !== undefined) waiters.splice(i, 1)[0].resolve(found)
    }
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-6000)
  })
  // a child that has exited cannot read what is still written to it
  child.stdin?.on('error', () => {})
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, timeoutMs)
  const finished = new Promise<Finished>((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      ended = true
      for (const waiter of waiters.splice(0)) {
        waiter.reject(
          new Error(
            `the child ended (${code ?? signal}) before printing ${waiter.prefix.trim()}: ${lastLines(stderrTail, 6)}`,
          ),
        )
      }
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
  return {
    pid: child.pid ?? -1,
    finished,
    stdin: child.stdin,
    line(prefix) {
      const found = completeLine(prefix)
      if (found !== undefined) return Promise.resolve(found)
      if (ended) return Promise.reject(new Error(`the child ended before printing ${prefix.trim()}`))
      return new Promise((resolve, reject) => waiters.push({ prefix, resolve, reject }))
    },
    kill(signal = 'SIGTERM') {
      child.kill(signal)
    },
  }
}

export function runProcess(launch: Launch, timeoutMs: number): Promise<Finished> {
  const started = startProcess(launch, timeoutMs)
  // nothing is written to a child run this way: it sees end of input at once
  started.stdin?.end()
  return started.finished
}

/** The child's report, or why there is none. */
export function childReport<R>(finished: Finished): R | { error: string } {
  const line = finished.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX))
  const why = () => {
    if (finished.timedOut) return 'timed out'
    if (finished.code !== 0) return `exited with ${finished.code ?? finished.signal}`
    return 'printed no RESULT line'
  }
  if (!line || finished.code !== 0) {
    return { error: `${why()}${finished.stderrTail ? `: ${lastLines(finished.stderrTail, 6)}` : ''}` }
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as R
}

export function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' | ')
}
