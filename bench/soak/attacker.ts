import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { FrameSplitter } from '../../src/protocol/frame-splitter.js'
import type { FrameFuzzer, FuzzFrame, FuzzFrameKind } from '../../test/support/frame-fuzz.js'

/**
 * One attacker: a connection that sends fuzz frames one at a time and, for
 * each, waits to see what the broker does with it: answers, hangs up, or
 * keeps quiet (a parked long-poll, a JoinGroup waiting for its rebalance).
 * Whatever the broker closes or leaves silent, the attacker replaces with a
 * fresh connection. One frame at a time is the backpressure: nothing piles
 * up in this process, every frame counted has reached the broker's reader
 * (a pipelined frame behind a malformed one would be discarded unread), and
 * the attacker never holds more than one connection.
 */

/** What became of one frame. */
export type FrameOutcome =
  /** A response came back; the connection stays. */
  | 'answered'
  /** The broker closed the connection. */
  | 'closed'
  /** Neither within the answer timeout; the attacker hung up. */
  | 'silent'
  /** The frame's size prefix lied, so the attacker hung up after sending it. */
  | 'hung-up'

export const FRAME_OUTCOMES: readonly FrameOutcome[] = ['answered', 'closed', 'silent', 'hung-up']

export type OutcomeCounts = Record<FrameOutcome, number>

export function emptyOutcomes(): OutcomeCounts {
  return { answered: 0, closed: 0, silent: 0, 'hung-up': 0 }
}

export interface ApiTally {
  versions: Set<number>
  outcomes: OutcomeCounts
}

/** Totals over all attackers. */
export class AttackStats {
  thrown = 0
  readonly byKind = new Map<FuzzFrameKind, OutcomeCounts>()
  /** Valid, mutated and random-body frames by the API of the request they came from. */
  readonly byApi = new Map<string, ApiTally>()
  /** Unchanged valid requests, first on their connection, that the broker hung up on: refusals worth a look. */
  readonly validClosed = new Map<string, number>()
  connectionsOpened = 0
  /** Connection attempts that failed (refused, reset during the handshake). */
  connectFailures = 0
  lastConnectError = ''

  /**
   * `firstOnConnection`: the frame opened its connection, so a close can only
   * be about it (later on, a close may be the delayed end of an exchange an
   * earlier frame started, such as a failed SASL login).
   */
  record(frame: FuzzFrame, outcome: FrameOutcome, firstOnConnection: boolean): void {
    this.thrown++
    let kind = this.byKind.get(frame.kind)
    if (!kind) {
      kind = emptyOutcomes()
      this.byKind.set(frame.kind, kind)
    }
    kind[outcome]++
    if (frame.kind === 'valid' && outcome === 'closed' && firstOnConnection && frame.base) {
      const key = `${frame.base.apiName} v${frame.base.apiVersion}`
      this.validClosed.set(key, (this.validClosed.get(key) ?? 0) + 1)
    }
    if (frame.base) {
      let api = this.byApi.get(frame.base.apiName)
      if (!api) {
        api = { versions: new Set(), outcomes: emptyOutcomes() }
        this.byApi.set(frame.base.apiName, api)
      }
      api.versions.add(frame.base.apiVersion)
      api.outcomes[outcome]++
    }
  }

  total(outcome: FrameOutcome): number {
    let n = 0
    for (const counts of this.byKind.values()) n += counts[outcome]
    return n
  }
}

/** Frames still to throw, shared by all attackers. */
export interface FrameBudget {
  remaining: number
}

export interface AttackerOptions {
  host: string
  port: number
  fuzzer: FrameFuzzer
  budget: FrameBudget
  stats: AttackStats
  /** How long to wait for an answer or a close before hanging up. */
  answerTimeoutMs: number
  /** Checked between frames: true ends the attack early (the broker is gone). */
  halted: () => boolean
}

/** Responses are read only to notice that one came; this bounds what a reply may claim. */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024

class AttackConnection {
  private readonly splitter = new FrameSplitter(MAX_RESPONSE_BYTES, 4)
  private closed = false
  /** A response arrived that no wait has seen yet. */
  private answered = false
  private wake: (() => void) | null = null

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      try {
        if (this.splitter.push(chunk).length > 0) this.answered = true
      } catch {
        // a response this reader cannot frame: not the attacker's business, hang up
        socket.destroy()
      }
      this.notify()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      this.closed = true
      this.notify()
    })
  }

  static open(host: string, port: number): Promise<AttackConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port })
      socket.setNoDelay(true)
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new AttackConnection(socket))
      })
    })
  }

  get isClosed(): boolean {
    return this.closed
  }

  private notify(): void {
    const wake = this.wake
    this.wake = null
    wake?.()
  }

  private waitForEvent(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null
        resolve()
      }, timeoutMs)
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }

  /** Writes the frame, waiting for the socket to drain rather than queueing behind it. */
  private async write(bytes: Buffer, timeoutMs: number): Promise<void> {
    if (this.socket.write(bytes)) return
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.socket.off('drain', done)
        this.socket.off('close', done)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      this.socket.once('drain', done)
      this.socket.once('close', done)
    })
  }

  /** Ends the connection (FIN) and waits a little for the broker to close its side. */
  async hangUp(timeoutMs: number): Promise<void> {
    this.socket.end()
    if (!this.closed) await this.waitForEvent(timeoutMs)
    this.socket.destroy()
  }

  /** Frames sent on this connection so far. */
  framesSent = 0

  async throwFrame(frame: FuzzFrame, answerTimeoutMs: number): Promise<FrameOutcome> {
    this.framesSent++
    this.answered = false
    await this.write(frame.bytes, answerTimeoutMs)
    if (!frame.complete) {
      // the prefix promised bytes that will never come: hang up the way a broken client would
      await this.hangUp(answerTimeoutMs)
      return 'hung-up'
    }
    const deadline = performance.now() + answerTimeoutMs
    for (;;) {
      if (this.answered) return 'answered'
      if (this.closed) return 'closed'
      const left = deadline - performance.now()
      if (left <= 0) break
      await this.waitForEvent(left)
    }
    // a parked request: resetting skips TIME_WAIT on this side, which a million connections would exhaust
    this.socket.resetAndDestroy()
    return 'silent'
  }
}

/** Throws frames until the shared budget is spent or the attack is halted. */
export async function runAttacker(options: AttackerOptions): Promise<void> {
  const { host, port, fuzzer, budget, stats, answerTimeoutMs, halted } = options
  let connection: AttackConnection | null = null
  while (budget.remaining > 0 && !halted()) {
    if (connection === null || connection.isClosed) {
      try {
        connection = await AttackConnection.open(host, port)
        stats.connectionsOpened++
      } catch (err) {
        connection = null
        stats.connectFailures++
        stats.lastConnectError = (err as Error).message
        // a limit on connections, or a broker that is gone: back off rather than spin
        await sleep(20)
        continue
      }
    }
    // another attacker may have spent the last of the budget while this one connected
    if (budget.remaining <= 0) break
    budget.remaining--
    const frame = fuzzer.next()
    const outcome = await connection.throwFrame(frame, answerTimeoutMs)
    stats.record(frame, outcome, connection.framesSent === 1)
  }
  if (connection && !connection.isClosed) await connection.hangUp(answerTimeoutMs)
}
