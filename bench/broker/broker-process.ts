import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { trackChild } from './cleanup.js'
import { type ProcessMemory, readCpuSeconds, readMemory } from './proc-stats.js'

/**
 * The broker under test, started through the `sluice broker` command in a
 * process of its own: that is how it runs in use, and it keeps the load
 * generator's heap, GC pauses and event loop out of the broker's numbers.
 * Node is started with `--import tsx` directly (not through the tsx binary,
 * which would put a wrapper process in between), so the child's pid is the
 * broker's and /proc/<pid> describes the broker alone.
 */

const repoRoot = dirname(dirname(dirname(fileURLToPath(import.meta.url))))
const cliEntry = join(repoRoot, 'src', 'cli', 'main.ts')
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000

export type FsyncPolicy = 'never' | 'interval' | 'always'

export interface BrokerLaunch {
  /** Absent: the memory engine. */
  dataDir?: string
  fsync?: FsyncPolicy
  /** Write a V8 CPU profile of the broker into this directory when it stops. */
  cpuProfileDir?: string
}

export class BrokerProcess {
  private stderrTail = ''
  private exited: Promise<void>

  private constructor(
    private readonly child: ChildProcess,
    readonly bootstrap: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve()
      else child.once('exit', () => resolve())
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000)
    })
  }

  static start(launch: BrokerLaunch): Promise<BrokerProcess> {
    const nodeArgs = ['--import', 'tsx']
    if (launch.cpuProfileDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', launch.cpuProfileDir)
    const brokerArgs = ['broker', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn']
    if (launch.dataDir !== undefined) {
      brokerArgs.push('--data-dir', launch.dataDir, '--fsync', launch.fsync ?? 'interval')
    }
    // tsx is resolved from the working directory, hence the repository root
    const child = spawn(process.execPath, [...nodeArgs, cliEntry, ...brokerArgs], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    trackChild(child)
    return new Promise((resolve, reject) => {
      let stdout = ''
      let stderr = ''
      const fail = (why: string) => {
        clearTimeout(timer)
        child.kill('SIGKILL')
        reject(new Error(`broker did not start: ${why}\n${stderr.slice(-2000)}`))
      }
      const timer = setTimeout(
        () => fail(`no "listening on" line within ${START_TIMEOUT_MS} ms`),
        START_TIMEOUT_MS,
      )
      const onStderr = (chunk: Buffer) => {
        stderr += chunk.toString()
      }
      const onExit = (code: number | null, signal: string | null) => fail(`exited (${code ?? signal})`)
      const onStdout = (chunk: Buffer) => {
        stdout += chunk.toString()
        const match = /^listening on (\S+):(\d+)$/m.exec(stdout)
        if (!match) return
        clearTimeout(timer)
        child.stdout?.off('data', onStdout)
        child.stderr?.off('data', onStderr)
        child.off('exit', onExit)
        // keep draining stdout so a chatty broker can never block on a full pipe
        child.stdout?.resume()
        const broker = new BrokerProcess(child, `${match[1]}:${match[2]}`)
        broker.stderrTail = stderr.slice(-4000)
        resolve(broker)
      }
      child.stdout?.on('data', onStdout)
      child.stderr?.on('data', onStderr)
      child.once('exit', onExit)
      child.once('error', (err) => fail(err.message))
    })
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('broker process has no pid')
    return this.child.pid
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  memory(): ProcessMemory {
    this.assertRunning()
    return readMemory(this.pid)
  }

  cpuSeconds(): number {
    this.assertRunning()
    return readCpuSeconds(this.pid)
  }

  /** What the broker wrote to stderr lately: warnings, errors. */
  get recentStderr(): string {
    return this.stderrTail
  }

  /** Graceful stop (SIGTERM: flush logs, exit 0), forced after a timeout. */
  async stop(): Promise<void> {
    if (!this.running) return
    this.child.kill('SIGTERM')
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(resolve, STOP_TIMEOUT_MS, 'timeout').unref(),
    )
    if ((await Promise.race([this.exited, timeout])) === 'timeout') {
      this.child.kill('SIGKILL')
      await this.exited
      throw new Error(`broker ignored SIGTERM for ${STOP_TIMEOUT_MS} ms and was killed`)
    }
    if (this.child.exitCode !== 0) {
      throw new Error(
        `broker exited with ${this.child.exitCode ?? this.child.signalCode}\n${this.stderrTail}`,
      )
    }
  }

  private assertRunning(): void {
    if (!this.running) {
      throw new Error(
        `broker exited unexpectedly (${this.child.exitCode ?? this.child.signalCode})\n${this.stderrTail}`,
      )
    }
  }
}

/**
 * Resident memory of Node with the tsx loader and nothing else, the floor
 * under every broker figure: the broker runs the same way.
 */
export function measureRuntimeFloor(): Promise<number> {
  const script =
    "setTimeout(() => process.stdout.write(require('node:fs').readFileSync('/proc/self/status', 'utf8')), 300)"
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  trackChild(child)
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.once('error', reject)
    child.once('exit', () => {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(out)
      if (match) resolve(Number(match[1]) * 1024)
      else reject(new Error('could not read the RSS of an idle node --import tsx'))
    })
  })
}
