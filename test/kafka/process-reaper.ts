import { type ChildProcess, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import type { Socket } from 'node:net'

/**
 * Makes sure no Kafka JVM outlives the test process and no data directory is
 * left behind, however the test process ends:
 * - a normal exit (a failed test included) runs the `exit` handler, which
 *   kills every JVM still tracked and removes its directory;
 * - a process killed outright (SIGKILL, an OOM kill, a vitest worker torn
 *   down) runs no handler at all, so each JVM also gets a watchdog: a tiny
 *   shell whose stdin is a pipe from this process. The kernel closes that
 *   pipe when this process dies in any way; the shell then sees end of input,
 *   kills the JVM and removes the directory.
 */

interface Tracked {
  readonly jvm: ChildProcess
  readonly watchdog: ChildProcess
  readonly dir: string
}

const tracked = new Set<Tracked>()
const dirs = new Set<string>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const t of tracked) {
      signal(t.jvm, 'SIGKILL')
      signalGroup(t.watchdog, 'SIGKILL')
      rmSync(t.dir, { recursive: true, force: true })
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })
}

/** Removes `dir` when this process exits, unless the returned function is called first. */
export function removeOnExit(dir: string): () => void {
  installExitHook()
  dirs.add(dir)
  return () => {
    dirs.delete(dir)
  }
}

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill(sig)
  } catch {
    // already gone
  }
}

function signalGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, sig)
  } catch {
    // already gone
  }
}

/**
 * Watches `jvm` until it exits; `dir` (the cluster's root directory) is
 * removed if this process dies first. Returns nothing: the JVM's own exit
 * ends the watch.
 */
export function reapOnExit(jvm: ChildProcess, dir: string): void {
  installExitHook()
  if (jvm.pid === undefined) return
  const watchdog = spawn(
    '/bin/sh',
    ['-c', 'cat >/dev/null; kill -9 "$0" 2>/dev/null; sleep 1; rm -rf "$1"', String(jvm.pid), dir],
    // its own process group, so killing it takes `cat` along; nothing it prints matters
    { stdio: ['pipe', 'ignore', 'ignore'], detached: true },
  )
  // neither the watchdog nor its pipe may keep this process's event loop alive
  watchdog.unref()
  ;(watchdog.stdin as unknown as Socket).unref()
  watchdog.stdin?.on('error', () => {})
  const entry: Tracked = { jvm, watchdog, dir }
  tracked.add(entry)
  jvm.once('exit', () => {
    tracked.delete(entry)
    // the JVM is gone: the watchdog must not outlive it, nor ever kill a reused pid
    signalGroup(watchdog, 'SIGKILL')
  })
}
