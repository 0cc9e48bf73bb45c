import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { trackChild } from '../broker/cleanup.js'
import { type ProcessMemory, readCpuSeconds, readMemory } from '../broker/proc-stats.js'

/**
 * The broker under attack: `sluice broker` (memory engine, default limits)
 * in a process of its own, so that a crash is the process exiting and its
 * memory is what /proc says about it alone. Unlike bench/broker's starter it
 * reads the broker's stderr line by line into a tally instead of keeping it:
 * a million malformed frames make close to a million "closing connection"
 * warnings, and why the broker hung up is part of the soak's report.
 */

const repoRoot = dirname(dirname(dirname(fileURLToPath(import.meta.url))))
const cliEntry = join(repoRoot, 'src', 'cli', 'main.ts')
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000
/** Distinct close reasons kept; the rest are counted together, so random input cannot grow the tally. */
const MAX_REASONS = 200
const MAX_KEPT_LINES = 50

const CLOSE_LINE = /^\S+ WARN closing connection \d+ from \S+: (.*)$/
/** A full collection as `node --trace-gc` prints it; the figure after the arrow is the heap still in use. */
const FULL_GC_LINE = /Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/
const MAX_FULL_GCS = 100_000
const ERROR_LINE = /^\S+ ERROR /

export interface BrokerLogTally {
  /** "closing connection" warnings: the broker hung up on bad input. */
  closes: number
  /** Close reasons with numbers replaced by N, and how often each came. */
  closeReasons: Map<string, number>
  /** ERROR lines: nothing a client sends should cause one. */
  errorCount: number
  errorLines: string[]
  /** Any other stderr line (warnings of another kind, crash output). */
  otherCount: number
  otherLines: string[]
}

export interface BrokerExit {
  code: number | null
  signal: NodeJS.Signals | null
}

function normalizeReason(reason: string): string {
  return reason.replace(/-?\d+/g, 'N').slice(0, 160)
}

export class SoakBroker {
  readonly log: BrokerLogTally = {
    closes: 0,
    closeReasons: new Map(),
    errorCount: 0,
    errorLines: [],
    otherCount: 0,
    otherLines: [],
  }
  /**
   * V8 heap in use (bytes) after each full collection, in order: what the
   * broker's objects really hold, free of the garbage and spare pages RSS
   * counts. A leak raises it; a working set keeps it level.
   */
  readonly heapAfterFullGc: number[] = []
  /** Resolves when the process exits, whatever the reason. */
  readonly exited: Promise<BrokerExit>
  private stopping = false

  private constructor(
    private readonly child: ChildProcess,
    readonly bootstrap: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve({ code: child.exitCode, signal: child.signalCode })
      } else child.once('exit', (code, signal) => resolve({ code, signal }))
    })
  }

  /**
   * Starts `sluice broker --port 0 --log-level warn` plus `extraArgs` under
   * `node --trace-gc` (its lines go to stdout, which is read for them);
   * resolves once it listens.
   */
  static start(extraArgs: readonly string[] = []): Promise<SoakBroker> {
    const args = ['broker', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn', ...extraArgs]
    // node --import tsx rather than the tsx binary, so the child's pid is the broker's own
    const child = spawn(process.execPath, ['--trace-gc', '--import', 'tsx', cliEntry, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    trackChild(child)
    const early: string[] = []
    const lines = createInterface({ input: child.stderr!, crlfDelay: Number.POSITIVE_INFINITY })
    let broker: SoakBroker | null = null
    lines.on('line', (line) => {
      if (broker) broker.record(line)
      else early.push(line)
    })
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer)
        child.kill('SIGKILL')
        reject(new Error(`broker did not start: ${why}\n${early.slice(-20).join('\n')}`))
      }
      const timer = setTimeout(
        () => fail(`no "listening on" line within ${START_TIMEOUT_MS} ms`),
        START_TIMEOUT_MS,
      )
      const onExit = (code: number | null, signal: string | null) => fail(`exited (${code ?? signal})`)
      // stdout is read to its end, so the broker can never block on a full pipe
      const stdoutLines = createInterface({ input: child.stdout!, crlfDelay: Number.POSITIVE_INFINITY })
      stdoutLines.on('line', (line) => {
        if (broker) {
          broker.recordStdout(line)
          return
        }
        const match = /^listening on (\S+)$/.exec(line)
        if (!match) return
        clearTimeout(timer)
        child.off('exit', onExit)
        broker = new SoakBroker(child, match[1])
        for (const l of early) broker.record(l)
        resolve(broker)
      })
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

  /** True when the process ended without being asked to: a crash. */
  get crashed(): boolean {
    return !this.running && !this.stopping
  }

  memory(): ProcessMemory {
    return readMemory(this.pid)
  }

  cpuSeconds(): number {
    return readCpuSeconds(this.pid)
  }

  private recordStdout(line: string): void {
    const gc = FULL_GC_LINE.exec(line)
    if (gc && this.heapAfterFullGc.length < MAX_FULL_GCS) {
      this.heapAfterFullGc.push(Math.round(Number(gc[1]) * 1024 * 1024))
    }
  }

  private record(line: string): void {
    const close = CLOSE_LINE.exec(line)
    if (close) {
      this.log.closes++
      const reasons = this.log.closeReasons
      let reason = normalizeReason(close[1])
      if (!reasons.has(reason) && reasons.size >= MAX_REASONS) reason = '(other reasons)'
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
    } else if (ERROR_LINE.test(line)) {
      this.log.errorCount++
      if (this.log.errorLines.length < MAX_KEPT_LINES) this.log.errorLines.push(line)
    } else {
      this.log.otherCount++
      if (this.log.otherLines.length < MAX_KEPT_LINES) this.log.otherLines.push(line)
    }
  }

  /** Graceful stop (SIGTERM: answer what is in flight, exit 0), forced after a timeout. */
  async stop(): Promise<BrokerExit> {
    if (!this.running) return this.exited
    this.stopping = true
    this.child.kill('SIGTERM')
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(resolve, STOP_TIMEOUT_MS, 'timeout').unref(),
    )
    if ((await Promise.race([this.exited, timeout])) === 'timeout') {
      this.child.kill('SIGKILL')
      await this.exited
      throw new Error(`broker ignored SIGTERM for ${STOP_TIMEOUT_MS} ms and was killed`)
    }
    return this.exited
  }
}
