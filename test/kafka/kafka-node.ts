import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { classArchiveOptions } from './class-archive.js'
import { javaCommand, KAFKA_CLASSPATH, KAFKA_LOG_CONFIG } from './kafka-install.js'
import { reapOnExit } from './process-reaper.js'
import type { NodePorts } from './server-properties.js'

/**
 * One Kafka JVM: formatting its storage, starting it, stopping it cleanly
 * (SIGTERM: controlled shutdown) or killing it (SIGKILL), and the end of its
 * log for error messages. Everything it prints goes to `logPath`.
 */

export interface KafkaNodeSpec {
  readonly nodeId: number
  readonly host: string
  readonly ports: NodePorts
  /** The node's own folder: server.properties, kafka.log and the data directory are inside. */
  readonly dir: string
  readonly configPath: string
  readonly logPath: string
  /** The cluster's root folder, removed by the watchdog if the test process dies. */
  readonly clusterDir: string
  readonly jvmOptions: readonly string[]
}

/** Generous, because three JVMs starting on two cores each take a few seconds of CPU. */
const FORMAT_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 30_000

export class KafkaNode {
  private child: ChildProcess | undefined
  private exited: Promise<void> = Promise.resolve()

  constructor(readonly spec: KafkaNodeSpec) {}

  get nodeId(): number {
    return this.spec.nodeId
  }

  get running(): boolean {
    return this.child !== undefined
  }

  /** The JVM's pid while it runs (for tests that look at its memory). */
  get pid(): number | undefined {
    return this.child?.pid
  }

  /** Writes the node's storage: meta.properties and the bootstrap metadata (with any SCRAM users). */
  async format(clusterId: string, extraArgs: readonly string[]): Promise<void> {
    const args = [
      `-Dlog4j2.configurationFile=${KAFKA_LOG_CONFIG}`,
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      ...classArchiveOptions(),
      '-cp',
      KAFKA_CLASSPATH,
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      clusterId,
      '--config',
      this.spec.configPath,
      ...extraArgs,
    ]
    const child = this.spawnLogged(args)
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), FORMAT_TIMEOUT_MS)
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        resolve({ code, signal })
      })
      child.once('error', () => {
        clearTimeout(timer)
        resolve({ code: null, signal: null })
      })
    })
    if (result.code !== 0) {
      throw new Error(
        `formatting Kafka node ${this.nodeId} failed (${result.code ?? result.signal})\n${this.logTail()}`,
      )
    }
  }

  /** Starts the JVM; resolves once it is spawned, not once it serves (the cluster waits for that). */
  start(): void {
    if (this.child) throw new Error(`Kafka node ${this.nodeId} is already running`)
    const child = this.spawnLogged([
      ...this.spec.jvmOptions,
      '-cp',
      KAFKA_CLASSPATH,
      'kafka.Kafka',
      this.spec.configPath,
    ])
    this.child = child
    reapOnExit(child, this.spec.clusterDir)
    this.exited = new Promise((resolve) => {
      const gone = () => {
        if (this.child === child) this.child = undefined
        resolve()
      }
      child.once('exit', gone)
      child.once('error', gone)
    })
  }

  /** Why the JVM is not running, if it stopped by itself: for startup errors. */
  exitedEarly(): Promise<void> {
    return this.exited
  }

  /** SIGTERM: Kafka's controlled shutdown (leadership moves away first); SIGKILL if it hangs. */
  async stop(): Promise<void> {
    const child = this.child
    if (!child) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await this.exited
    clearTimeout(timer)
  }

  /** SIGKILL: a crash; nothing is flushed and nobody is told. */
  async kill(): Promise<void> {
    const child = this.child
    if (!child) return
    child.kill('SIGKILL')
    await this.exited
  }

  /** The last lines of this node's log, for an error message. */
  logTail(lines = 40): string {
    let text: string
    try {
      text = readFileSync(this.spec.logPath, 'utf8')
    } catch {
      return `(no log at ${this.spec.logPath})`
    }
    const tail = text.trimEnd().split('\n').slice(-lines).join('\n')
    return `--- last lines of ${this.spec.logPath} ---\n${tail}`
  }

  private spawnLogged(args: readonly string[]): ChildProcess {
    const fd = openSync(this.spec.logPath, 'a')
    try {
      return spawn(javaCommand(), args, { stdio: ['ignore', fd, fd], cwd: this.spec.dir })
    } finally {
      // the child holds its own copy of the descriptor
      closeSync(fd)
    }
  }
}
