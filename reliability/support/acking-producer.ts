import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ProducerOptions } from '../../src/index.js'
import { LineCounter } from '../../test/faults/consumer-kill/processed-log.js'
import type { AckProducerConfig, AckProducerResult } from '../children/ack-producer.js'
import { ClientProcess } from './client-process.js'
import type { MemoryWatch } from './memory-watch.js'

export interface AckingProducerSettings {
  readonly bootstrap: string
  readonly topic: string
  readonly workDir: string
  readonly keys: number
  /** Records to send; -1 (the default) sends until `stop`. */
  readonly count?: number
  /** Producer options on top of the scenario defaults (acks all, idempotent). */
  readonly producer?: ProducerOptions
  readonly maxInFlight?: number
  readonly valueBytes?: number
  /** A file for the child's periodic ProducerSample lines (buffer use, senders waiting, acks). */
  readonly metricsLog?: string
  /** Extra environment of the child (e.g. NODE_OPTIONS). */
  readonly env?: Readonly<Record<string, string>>
}

/**
 * The ack-producer child process of a scenario (acks all, idempotent unless
 * told otherwise), with a running count of the acknowledgements in its log:
 * a scenario waits for acks to move before it does harm, and for them to
 * move again after, to know the harm landed while records were flowing.
 */
export class AckingProducer {
  readonly ackLog: string
  private readonly process: ClientProcess<AckProducerResult>
  private readonly acks: LineCounter

  constructor(settings: AckingProducerSettings, watch: MemoryWatch) {
    this.ackLog = join(settings.workDir, `acked-${settings.topic}.log`)
    writeFileSync(this.ackLog, '')
    const config: AckProducerConfig = {
      bootstrap: settings.bootstrap,
      topic: settings.topic,
      first: 0,
      count: settings.count ?? -1,
      keys: settings.keys,
      ackLog: this.ackLog,
      producer: { acks: 'all', idempotent: true, ...settings.producer },
      maxInFlight: settings.maxInFlight,
      valueBytes: settings.valueBytes,
      metricsLog: settings.metricsLog,
    }
    this.process = new ClientProcess('ack-producer', config, settings.env)
    this.acks = new LineCounter(this.ackLog)
    watch.watch('producer', this.process.pid)
  }

  get pid(): number {
    return this.process.pid
  }

  get stderr(): string {
    return this.process.recentStderr
  }

  /** Acknowledged records so far (the log is written every 100 ms). */
  acked(): number {
    return this.acks.update()
  }

  /** Resolves once `more` records beyond the count now were acknowledged. */
  async waitForMoreAcks(more: number, timeoutMs: number, what: string): Promise<void> {
    const target = this.acked() + more
    await this.process.waitUntil(`${more} more acks (${what})`, () => this.acked() >= target, timeoutMs)
  }

  /** Stops generating records (SIGTERM), waits for the last ones to be answered and returns the counts. */
  async stop(timeoutMs: number): Promise<AckProducerResult> {
    this.process.signal('SIGTERM')
    try {
      return await this.process.finished(timeoutMs)
    } finally {
      this.acks.close()
    }
  }

  /**
   * Waits for a producer given a `count` to send them all and end by itself
   * (a SIGTERM sent while it exits would kill it before its RESULT is read).
   */
  async finished(timeoutMs: number): Promise<AckProducerResult> {
    try {
      return await this.process.finished(timeoutMs)
    } finally {
      this.acks.close()
    }
  }

  /** For cleanup after a failure. */
  kill(): Promise<number | string> {
    return this.process.end('SIGKILL')
  }
}
