import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { PYTHON } from '../../support/external-client.js'

/**
 * A consumer-group member running in its own process, on any of the
 * third-party clients, seen through one event stream: each new assignment,
 * each revocation, each record. A process per member is what makes a real
 * SIGKILL possible, and it keeps the clients' own timers out of vitest's.
 */

export interface ConsumedRecord {
  partition: number
  offset: number
  value: string
}

/**
 * `assigned` carries everything the member holds after the change;
 * `revoked` what it gave up (all it held when the list is left out);
 * `leader` that it computed the group's assignment.
 */
type MemberEvent =
  | { type: 'assigned'; partitions: number[] }
  | { type: 'revoked'; partitions?: number[] }
  | { type: 'leader' }
  | { type: 'record'; partition: number; offset: number; value: string }
  | { type: 'closed' }

export interface Revocation {
  /** What was given up. */
  readonly partitions: readonly number[]
  /** What the member still held after it. */
  readonly kept: readonly number[]
}

export interface MemberSpec {
  /** Which client, for messages. */
  client: string
  command: string
  args: string[]
  /** Turns stdout/stderr lines into events; JSON lines on stdout by default. */
  parseStdout?: (line: string) => MemberEvent | null
  parseStderr?: (line: string) => MemberEvent | null
}

/** How a client starts a member of `group` reading `topic` from `bootstrap`. */
export type MemberFactory = (bootstrap: string, group: string, topic: string) => MemberSpec

const CLIENTS = fileURLToPath(new URL('../clients/', import.meta.url))

export const confluentMember =
  (strategy?: string): MemberFactory =>
  (bootstrap, group, topic) => ({
    client: 'confluent-kafka',
    command: PYTHON,
    args: [`${CLIENTS}confluent_member.py`, bootstrap, group, topic, ...(strategy ? [strategy] : [])],
  })

export const kafkaPythonMember =
  (strategy?: string): MemberFactory =>
  (bootstrap, group, topic) => ({
    client: 'kafka-python',
    command: PYTHON,
    args: [`${CLIENTS}kafka_python_member.py`, bootstrap, group, topic, ...(strategy ? [strategy] : [])],
  })

export const kafkajsMember: MemberFactory = (bootstrap, group, topic) => ({
  client: 'kafkajs',
  command: process.execPath,
  args: ['--import', 'tsx', `${CLIENTS}kafkajs-member.ts`, bootstrap, group, topic],
})

export const platformaticMember: MemberFactory = (bootstrap, group, topic) => ({
  client: '@platformatic/kafka',
  command: process.execPath,
  args: ['--import', 'tsx', `${CLIENTS}platformatic-member.ts`, bootstrap, group, topic],
})

/** kcat's balanced consumer (-G): records as JSON through -f, assignments from its stderr notices. */
export const kcatMember: MemberFactory = (bootstrap, group, topic) => ({
  client: 'kcat',
  command: 'kcat',
  args: [
    // unbuffered: records must reach the pipe as they are read, not when kcat exits
    '-u',
    '-b',
    bootstrap,
    '-G',
    group,
    topic,
    '-X',
    'auto.offset.reset=earliest',
    '-X',
    'session.timeout.ms=6000',
    '-X',
    'heartbeat.interval.ms=500',
    '-X',
    'auto.commit.interval.ms=200',
    '-f',
    '{"type":"record","partition":%p,"offset":%o,"value":"%s"}\\n',
  ],
  parseStderr: (line) => {
    // "% Group g rebalanced (memberid ...): assigned: t [0], t [3]" and "...: revoked: ..."
    const assigned = /rebalanced \(memberid [^)]*\): assigned: (.*)$/.exec(line)
    if (assigned) {
      const partitions = [...assigned[1].matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))
      return { type: 'assigned', partitions: partitions.sort((a, b) => a - b) }
    }
    return /rebalanced \(memberid [^)]*\): revoked/.test(line) ? { type: 'revoked' } : null
  },
})

const DEFAULT_WAIT_MS = 45_000

export class GroupMember {
  readonly records: ConsumedRecord[] = []
  /** Partitions held now: the last assignment, less what was revoked since. */
  assignment: number[] = []
  /** Every revocation, in order: eager assignors give up everything, cooperative ones only what moves. */
  readonly revocations: Revocation[] = []
  /** How many times this member computed the group's assignment (for members whose client reports it). */
  leaderElections = 0
  private readonly child: ChildProcess
  private readonly waiters = new Set<() => void>()
  private stderr = ''
  readonly exited: Promise<number | string>

  constructor(readonly spec: MemberSpec) {
    this.child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        resolve(code ?? signal ?? -1)
        this.notify()
      })
    })
    lines(this.child.stdout!, (line) =>
      this.onEvent(spec.parseStdout ? spec.parseStdout(line) : parseJson(line)),
    )
    lines(this.child.stderr!, (line) => {
      this.stderr = `${this.stderr}${line}\n`.slice(-4000)
      if (spec.parseStderr) this.onEvent(spec.parseStderr(line))
    })
  }

  get name(): string {
    return `${this.spec.client} (pid ${this.child.pid})`
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  values(): string[] {
    return this.records.map((r) => r.value)
  }

  /** Resolves once `condition` holds; fails with `what` and the member's stderr after the timeout or if it died. */
  waitFor(condition: () => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return waitFor(condition, `${this.name}: ${what}`, timeoutMs, [this], () => this.stderr)
  }

  /** SIGTERM: a clean close that commits and leaves the group. */
  async stop(): Promise<void> {
    if (!this.running) return
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000)
    await this.exited
    clearTimeout(timer)
  }

  /** SIGKILL: the member vanishes without leaving; only its session timeout removes it. */
  async kill(): Promise<void> {
    if (!this.running) return
    this.child.kill('SIGKILL')
    await this.exited
  }

  /** @internal */
  addWaiter(fn: () => void): void {
    this.waiters.add(fn)
  }

  /** @internal */
  removeWaiter(fn: () => void): void {
    this.waiters.delete(fn)
  }

  get recentStderr(): string {
    return this.stderr
  }

  private onEvent(event: MemberEvent | null): void {
    if (!event) return
    if (event.type === 'assigned') this.assignment = event.partitions
    else if (event.type === 'revoked') {
      const revoked = event.partitions ?? this.assignment
      this.assignment = this.assignment.filter((p) => !revoked.includes(p))
      this.revocations.push({ partitions: revoked, kept: this.assignment })
    } else if (event.type === 'leader') this.leaderElections++
    else if (event.type === 'record')
      this.records.push({ partition: event.partition, offset: event.offset, value: event.value })
    this.notify()
  }

  private notify(): void {
    for (const w of [...this.waiters]) w()
  }
}

/** Waits for a condition over several members, re-checked at each of their events and every 100 ms. */
export function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs: number,
  members: readonly GroupMember[],
  detail: () => string = () => members.map((m) => `${m.name}: ${m.recentStderr}`).join('\n'),
): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!condition()) return
      finish()
      resolve()
    }
    const finish = () => {
      clearTimeout(timer)
      clearInterval(poll)
      for (const m of members) m.removeWaiter(check)
    }
    const timer = setTimeout(() => {
      finish()
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${detail()}`))
    }, timeoutMs)
    const poll = setInterval(check, 100)
    for (const m of members) m.addWaiter(check)
    check()
  })
}

function parseJson(line: string): MemberEvent | null {
  if (!line.startsWith('{')) return null
  try {
    return JSON.parse(line) as MemberEvent
  } catch {
    return null
  }
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    pending += chunk
    let at = pending.indexOf('\n')
    while (at >= 0) {
      onLine(pending.slice(0, at))
      pending = pending.slice(at + 1)
      at = pending.indexOf('\n')
    }
  })
}
