import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AssignorName } from '../../../src/index.js'
import type { LoggingConsumerConfig } from '../../children/logging-consumer.js'
import { ClientProcess } from '../../support/client-process.js'
import type { MemoryWatch } from '../../support/memory-watch.js'

export interface MemberSettings {
  readonly bootstrap: string
  readonly topic: string
  readonly groupId: string
  readonly assignors: readonly AssignorName[]
  readonly workDir: string
  readonly watch: MemoryWatch
  readonly random: () => number
}

const FEWEST = 2
const MOST = 4

/**
 * The members of the storm's group: logging-consumer processes (dynamic
 * members, `ordering: 'key'`) of which 2 to 4 are alive at a time; at each
 * `step` one joins or one leaves (chosen by the seed, forced at the bounds).
 * A member leaves by SIGTERM, a graceful close: drain what is in flight,
 * commit, LeaveGroup; SIGKILLed members are scenario 1's subject, here the
 * promise is about handovers, where nothing done may be done again unless
 * its commit had not landed. Every member's log has a wall-clock stamp per
 * record, to order records across members.
 */
export class StormMembers {
  /** Every member's processed log, in the order they joined. */
  readonly files: string[] = []
  private readonly alive: ClientProcess[] = []
  /** Every member, in the order they joined (files[i] is members[i]'s log). */
  private readonly members: ClientProcess[] = []
  private readonly closing: Promise<{ code: number | string; stderr: string }>[] = []

  constructor(private readonly settings: MemberSettings) {}

  get size(): number {
    return this.alive.length
  }

  /** Starts the first members. */
  begin(): void {
    for (let i = 0; i < FEWEST; i++) this.join()
  }

  /** One membership change. */
  step(): 'join' | 'leave' | 'wait' {
    const n = this.alive.length
    const join = n <= FEWEST ? true : n >= MOST ? false : this.settings.random() < 0.5
    if (join) {
      this.join()
      return 'join'
    }
    // a process still starting would just die of SIGTERM, without a close to test
    const ready = this.alive.filter((m) => this.ready(m))
    if (ready.length === 0) return 'wait'
    this.leave(this.alive.indexOf(ready[Math.floor(this.settings.random() * ready.length)]))
    return 'leave'
  }

  /** Closes every member still alive and returns how every leaving member's close ended. */
  async end(): Promise<{ code: number | string; stderr: string }[]> {
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline && !this.alive.every((m) => this.ready(m) || !m.running)) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    while (this.alive.length > 0) this.leave(0)
    return Promise.all(this.closing)
  }

  /** For cleanup after a failure. */
  async kill(): Promise<void> {
    await Promise.all(this.alive.splice(0).map((m) => m.end('SIGKILL')))
  }

  /** Whether a member died by itself (a failed consumer): its stderr. */
  failed(): string | undefined {
    return this.alive.find((m) => !m.running)?.recentStderr
  }

  /**
   * Past installing its SIGTERM handler: it has taken part in a rebalance
   * (the handler is installed before the consumer's first event) or processed a record.
   */
  private ready(member: ClientProcess): boolean {
    return (
      member.recentStderr.includes('rebalance') || statSync(this.files[this.members.indexOf(member)]).size > 0
    )
  }

  private join(): void {
    const file = join(this.settings.workDir, `member-${this.files.length}.log`)
    writeFileSync(file, '')
    this.files.push(file)
    const config: LoggingConsumerConfig = {
      bootstrap: this.settings.bootstrap,
      processedLog: file,
      consumer: {
        groupId: this.settings.groupId,
        topics: [this.settings.topic],
        assignors: this.settings.assignors,
        ordering: 'key',
        concurrency: 8,
        fromBeginning: true,
        commitIntervalMs: 200,
        // a member learns of a rebalance from its heartbeat: 1 s keeps a rebalance shorter than a step
        heartbeatIntervalMs: 1000,
        sessionTimeoutMs: 10_000,
      },
      handlerMs: [0, 2],
      timestamps: true,
      // STORM_CLIENT_LOG=debug shows each dropped or retried commit in the members' .stderr files
      clientLogger: (process.env.STORM_CLIENT_LOG as 'warn' | undefined) ?? 'warn',
    }
    const member = new ClientProcess('logging-consumer', config)
    this.settings.watch.watch('consumer', member.pid)
    this.alive.push(member)
    this.members.push(member)
  }

  private leave(index: number): void {
    const [member] = this.alive.splice(index, 1)
    this.settings.watch.poll()
    const file = this.files[this.members.indexOf(member)]
    this.closing.push(
      member.end('SIGTERM').then((code) => {
        // for a failed run's folder: what the member said about its rebalances
        writeFileSync(file.replace(/\.log$/, '.stderr'), member.recentStderr)
        return { code, stderr: member.recentStderr }
      }),
    )
  }
}
