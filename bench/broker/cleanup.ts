import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'

/**
 * Last-resort cleanup for the broker benchmark. The normal path stops each
 * broker and removes each temp dir itself; this catches what a thrown error,
 * a Ctrl-C or a SIGTERM would otherwise leave behind: a broker still
 * listening and a hundred megabytes of kcat input and segment files in /tmp.
 * Everything here is synchronous because an 'exit' listener cannot await.
 */

const children = new Set<ChildProcess>()
const dirs = new Set<string>()
let installed = false

function cleanUpNow(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  children.clear()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  dirs.clear()
}

function install(): void {
  if (installed) return
  installed = true
  process.on('exit', cleanUpNow)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanUpNow()
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1))
    })
  }
}

/** Kills `child` when this process exits, unless it has exited by then. */
export function trackChild(child: ChildProcess): void {
  install()
  children.add(child)
  child.once('exit', () => children.delete(child))
}

/** Removes `dir` when this process exits, unless `removeDir` got to it first. */
export function trackDir(dir: string): void {
  install()
  dirs.add(dir)
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  dirs.delete(dir)
}
