import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type BrokerFaults,
  type BrokerOptions,
  type RunningBroker,
  startBroker,
} from '../../../src/broker/index.js'
import type { KafkaOptions } from '../../kafka/start-kafka.js'
import { KafkaCompatBroker } from './kafka-broker.js'

/**
 * Brokers for the compatibility suite: in-process, on 127.0.0.1, on a port the
 * OS picks, silent, and (for the disk engine) in a fresh directory under the
 * OS temp dir that is removed at cleanup. With the `kafka` target the same
 * calls start Apache Kafka instead (support/kafka-broker.ts), so a scenario
 * runs unchanged against the reference.
 */

export type CompatStorage = 'memory' | 'disk'

/** `embedded`: Sluice's broker (npm test). `kafka`: Apache Kafka from test/kafka/ (npm run test:kafka). */
export type CompatTarget = 'embedded' | 'kafka'

export interface CompatBrokerOptions {
  /** `disk` keeps the data in a temp directory so the broker can be restarted on it. Default `memory`. */
  storage?: CompatStorage
  /** Any other broker option (host, port, logger and dataDir are fixed by the harness). */
  broker?: Omit<BrokerOptions, 'host' | 'port' | 'logger' | 'dataDir'>
  /** With the `kafka` target: settings only Kafka has, on top of those mapped from `broker`. */
  kafka?: KafkaOptions
}

export interface CompatBroker {
  readonly target: CompatTarget
  /** `127.0.0.1:<port>` of the broker running now; it changes on every restart. */
  readonly bootstrap: string
  readonly host: string
  readonly port: number
  /** The data directory of a disk broker, undefined in memory. */
  readonly dataDir: string | undefined
  /**
   * Closes the broker (which flushes its logs) and starts a new one on the same
   * data directory. The new one listens on a new OS-chosen port, so clients must
   * be created again with the new `bootstrap`: reusing the old port could race
   * with any other process on the machine. (Kafka comes back on its old port:
   * its config names the port, and the JVM is the only one using it.)
   */
  restart(): Promise<void>
  close(): Promise<void>
  /** The running broker's fault controls (with `faultInjection: true`); a restart starts with none. */
  readonly faults: BrokerFaults
}

/** retention.ms -1: records with old timestamps (offset-by-time tests use them) are never expired. */
const KEEP_FOREVER = -1

class HarnessBroker implements CompatBroker {
  readonly target = 'embedded'
  private closed = false

  constructor(
    private running: RunningBroker,
    private readonly options: BrokerOptions,
  ) {}

  get bootstrap(): string {
    return this.running.bootstrap
  }

  get host(): string {
    return this.running.host
  }

  get port(): number {
    return this.running.port
  }

  get dataDir(): string | undefined {
    return this.options.dataDir
  }

  get faults(): BrokerFaults {
    return this.running.faults
  }

  async restart(): Promise<void> {
    if (this.options.dataDir === undefined) {
      throw new Error('restart needs a disk broker: a memory broker would come back empty')
    }
    if (this.closed) throw new Error('broker was closed')
    await this.running.close()
    this.running = await startBroker(this.options)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.running.close()
  }
}

/**
 * Starts brokers and remembers everything it made, so one `cleanup()` in
 * afterAll/afterEach stops every broker and removes every temp directory,
 * whether or not the test got to its own close.
 */
export class BrokerHarness {
  private readonly brokers: CompatBroker[] = []
  private readonly dirs: string[] = []
  private readonly deferred: (() => Promise<void>)[] = []

  constructor(readonly target: CompatTarget = 'embedded') {}

  async start(options: CompatBrokerOptions = {}): Promise<CompatBroker> {
    if (this.target === 'kafka') {
      const kafka = await KafkaCompatBroker.start(
        { retentionMs: KEEP_FOREVER, ...options.broker },
        options.kafka,
      )
      this.brokers.push(kafka)
      return kafka
    }
    const dataDir = options.storage === 'disk' ? await this.tempDir('sluice-compat-') : undefined
    const brokerOptions: BrokerOptions = {
      retentionMs: KEEP_FOREVER,
      // a clean close flushes anyway; syncing on a timer would only slow the suite
      fsync: 'never',
      ...options.broker,
      host: '127.0.0.1',
      port: 0,
      logger: 'silent',
      dataDir,
    }
    const broker = new HarnessBroker(await startBroker(brokerOptions), brokerOptions)
    this.brokers.push(broker)
    return broker
  }

  /** A fresh directory under the OS temp dir, removed at cleanup. */
  async tempDir(prefix = 'sluice-compat-'): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix))
    this.dirs.push(dir)
    return dir
  }

  /** Runs `close` at cleanup, before the brokers close (for what stands in front of them, like a proxy). */
  defer(close: () => Promise<void>): void {
    this.deferred.push(close)
  }

  /** Closes every broker started here, then removes every directory made here. */
  async cleanup(): Promise<void> {
    await Promise.allSettled(this.deferred.splice(0).map((close) => close()))
    const brokers = this.brokers.splice(0)
    const dirs = this.dirs.splice(0)
    const closing = await Promise.allSettled(brokers.map((b) => b.close()))
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
    const failed = closing.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
  }
}
