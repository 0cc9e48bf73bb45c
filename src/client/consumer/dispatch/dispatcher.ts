import type { CircuitBreaker } from '../../../flow/circuit-breaker.js'
import { type Clock, sleep, type TimerHandle } from '../../../flow/clock.js'
import type { ConcurrencyLimiter, Permit } from '../../../flow/concurrency-limiter.js'
import { CircuitOpenError } from '../../../flow/errors.js'
import type { RateLimiter } from '../../../flow/rate-limiter.js'
import { backoffDelay } from '../../../flow/retry.js'
import type { ConsumerBatch, ConsumerMessage } from '../consumer-message.js'
import type { FailurePolicy, Ordering } from '../consumer-options.js'
import type { Deserializer } from '../deserializers.js'
import type { PartitionState, QueuedRecord } from '../fetch/partition-state.js'
import type { DispatchCounters } from './dispatch-counters.js'
import { StuckHandlerError } from './stuck-handler-error.js'

export type MessageHandler = (message: ConsumerMessage) => unknown
export type BatchHandler = (batch: ConsumerBatch) => unknown

/** What the dispatcher needs of the consumer. */
export interface DispatchHost {
  /** Partitions with records to process, in a fair order. */
  states(): Iterable<PartitionState>
  /** A record (or batch) is finished: commits may move, fetching may resume. */
  finished(state: PartitionState): void
  /** The failure policy is `dead-letter`: resolves once the records are stored there. */
  deadLetter(
    records: readonly QueuedRecord[],
    state: PartitionState,
    error: Error,
    attempts: number,
  ): Promise<void>
  /** The failure policy is `stop`, or dead-lettering failed: the consumer must stop. */
  fatal(error: Error): void
  /** A handler is past maxProcessingMs. */
  stuck(state: PartitionState, record: QueuedRecord, runningMs: number): void
  skipped(state: PartitionState, record: QueuedRecord, error: Error): void
  /** With commit `before-process`: resolves once the offset after these records is committed. */
  commitBefore?(state: PartitionState, nextOffset: number): Promise<void>
}

export interface DispatchSettings {
  readonly ordering: Ordering
  readonly limiter: ConcurrencyLimiter
  readonly rate: RateLimiter | undefined
  readonly breaker: CircuitBreaker | undefined
  readonly attempts: number
  readonly retryBackoffMs: number
  readonly retryBackoffMaxMs: number
  readonly onFailure: FailurePolicy
  readonly maxProcessingMs: number
  readonly onStuck: 'report' | 'fail'
  readonly commit: 'after-process' | 'auto' | 'before-process'
  readonly keyDeserializer: Deserializer
  readonly valueDeserializer: Deserializer
  readonly batch:
    | { readonly maxRecords: number; readonly maxBytes: number; readonly maxWaitMs: number }
    | undefined
  readonly clock: Clock
  readonly signal: AbortSignal
  readonly counters: DispatchCounters
}

/** How a record's processing ended: 'fatal' stops the consumer and leaves the record unfinished. */
type Outcome = 'success' | 'failure' | 'ignore' | 'fatal'

/** Records of one ordering lane (a partition, or a key within a partition), waiting their turn. */
interface Lane {
  readonly key: string
  readonly state: PartitionState
  readonly waiting: QueuedRecord[]
  busy: boolean
  ready: boolean
}

/** Records taken from partition queues into lanes, at most: how far ahead key ordering looks. */
const LOOKAHEAD_PER_SLOT = 4
const MIN_LOOKAHEAD = 256

/**
 * Takes records from the partitions' queues and runs the handler on them,
 * as fast as the concurrency limit, the rate limit and the breaker allow,
 * in the order `ordering` promises: one at a time per partition, one at a
 * time per key (keys of a partition run side by side), or in no order. A
 * failed record is retried in its lane with backoff, so later records of
 * its key (or partition) wait and order holds, while other lanes go on;
 * after the last attempt the failure policy decides. Pulling is lazy: a
 * record leaves its partition's queue only when a lane can soon run it, so
 * the overflow strategies still see what waits.
 */
export class Dispatcher {
  private readonly lanes = new Map<string, Lane>()
  private readonly ready: Lane[] = []
  private inLanes = 0
  private rateTimer: TimerHandle | undefined
  private batchTimer: TimerHandle | undefined
  private readonly idleWaiters: (() => void)[] = []
  private running = 0
  stopped = false
  /** Closing: nothing new starts; what runs may finish. */
  draining = false

  constructor(
    private readonly host: DispatchHost,
    private readonly settings: DispatchSettings,
    private readonly handler: MessageHandler | undefined,
    private readonly batchHandler: BatchHandler | undefined,
  ) {}

  /** Records being processed now. */
  get inFlight(): number {
    return this.running
  }

  /** Starts what may start now. Cheap to call often. */
  pump(): void {
    if (this.stopped || this.draining) return
    if (this.batchHandler) {
      this.pumpBatches()
      return
    }
    this.fillLanes()
    while (this.ready.length > 0) {
      const lane = this.ready[0]
      const record = lane.waiting[0]
      if (this.settings.rate && !this.settings.rate.tryAcquire(1, record.size)) {
        this.waitForRate()
        return
      }
      const permit = this.settings.limiter.tryAcquire()
      if (!permit) return
      this.ready.shift()
      lane.ready = false
      lane.busy = true
      lane.waiting.shift()
      this.inLanes--
      void this.runRecord(lane, record, permit)
    }
  }

  /** Resolves once nothing of these partitions is running (or at once if nothing is), or after `timeoutMs`. */
  async drain(states: ReadonlySet<PartitionState> | 'all', timeoutMs: number): Promise<void> {
    const busy = () => (states === 'all' ? this.running > 0 : [...states].some((s) => s.inFlight > 0))
    if (!busy()) return
    let timer: TimerHandle | undefined
    await new Promise<void>((resolve) => {
      timer = this.settings.clock.setTimeout(resolve, timeoutMs)
      const check = () => {
        if (!busy()) resolve()
        else this.idleWaiters.push(check)
      }
      this.idleWaiters.push(check)
    })
    this.settings.clock.clearTimeout(timer)
  }

  /** Forgets the lanes of revoked partitions (their waiting records go back uncounted: the state drops them). */
  forget(states: ReadonlySet<PartitionState>): void {
    for (const [key, lane] of this.lanes) {
      if (!states.has(lane.state)) continue
      this.inLanes -= lane.waiting.length
      for (const record of lane.waiting) lane.state.abandon(record)
      lane.waiting.length = 0
      if (!lane.busy) this.lanes.delete(key)
    }
    for (let i = this.ready.length - 1; i >= 0; i--)
      if (states.has(this.ready[i].state)) this.ready.splice(i, 1)
  }

  stop(): void {
    this.stopped = true
    if (this.rateTimer !== undefined) this.settings.clock.clearTimeout(this.rateTimer)
    if (this.batchTimer !== undefined) this.settings.clock.clearTimeout(this.batchTimer)
    this.rateTimer = undefined
    this.batchTimer = undefined
  }

  private laneKey(state: PartitionState, record: QueuedRecord): string {
    const base = `${state.topic}\0${state.partition}`
    if (this.settings.ordering === 'partition') return base
    if (this.settings.ordering === 'key')
      return record.keyText === null ? `${base}\0` : `${base}\0${record.keyText}\0k`
    return `${base}\0${record.offset}`
  }

  /** Moves records from partition queues into lanes, up to the lookahead, partition by partition in turn. */
  private fillLanes(): void {
    const limit = Math.max(MIN_LOOKAHEAD, this.settings.limiter.limit * LOOKAHEAD_PER_SLOT)
    let progress = true
    while (progress && this.inLanes < limit) {
      progress = false
      for (const state of this.host.states()) {
        if (this.inLanes >= limit) break
        // partition order needs no lookahead: its lane runs one record at a time anyway
        if (
          this.settings.ordering === 'partition' &&
          this.lanes.get(`${state.topic}\0${state.partition}`)?.waiting.length
        ) {
          continue
        }
        const record = state.take()
        if (!record) continue
        progress = true
        const key = this.laneKey(state, record)
        let lane = this.lanes.get(key)
        if (!lane) {
          lane = { key, state, waiting: [], busy: false, ready: false }
          this.lanes.set(key, lane)
        }
        lane.waiting.push(record)
        this.inLanes++
        if (!lane.busy && !lane.ready) {
          lane.ready = true
          this.ready.push(lane)
        }
      }
    }
  }

  private waitForRate(): void {
    if (this.rateTimer !== undefined || !this.settings.rate) return
    // the bucket refills continuously; a short timer looks again without a promise per record
    this.rateTimer = this.settings.clock.setTimeout(() => {
      this.rateTimer = undefined
      this.pump()
    }, 5)
  }

  private async runRecord(lane: Lane, record: QueuedRecord, permit: Permit): Promise<void> {
    this.running++
    const state = lane.state
    let outcome: Outcome = 'ignore'
    try {
      outcome = await this.process(state, [record])
    } finally {
      permit.release(outcome === 'fatal' ? 'ignore' : outcome)
      this.running--
      // a record the consumer stopped on stays unfinished: its offset is never committed
      if (outcome === 'fatal') state.abandon(record)
      else state.finish(record)
      lane.busy = false
      if (lane.waiting.length > 0) {
        lane.ready = true
        this.ready.push(lane)
      } else if (this.lanes.get(lane.key) === lane) this.lanes.delete(lane.key)
      this.host.finished(state)
      this.notifyIdle()
      this.pump()
    }
  }

  /**
   * Runs the handler on records (one, or a batch) until it succeeds or the
   * attempts are used up, then applies the failure policy. Resolves with how
   * it went, for an adaptive concurrency limit.
   */
  private async process(state: PartitionState, records: QueuedRecord[]): Promise<Outcome> {
    if (this.settings.commit !== 'after-process') await this.finishEarly(state, records)
    let lastError: Error | undefined
    for (let attempt = 1; attempt <= this.settings.attempts; ) {
      if (this.stopped || records[0].epoch !== state.epoch) return 'ignore'
      const started = this.settings.clock.now()
      try {
        await this.attempt(state, records, attempt)
        this.settings.counters.processed += records.length
        this.settings.counters.handlerMsTotal += this.settings.clock.now() - started
        return 'success'
      } catch (error) {
        if (error instanceof CircuitOpenError) {
          // the breaker is open: wait for its probe window, without spending an attempt
          await sleep(Math.max(error.retryAfterMs, 50), {
            clock: this.settings.clock,
            signal: this.settings.signal,
          }).catch(() => {})
          continue
        }
        lastError = error as Error
        this.settings.counters.failedAttempts++
        if (attempt === this.settings.attempts) break
        this.settings.counters.retries++
        const delay = backoffDelay(attempt, {
          initialMs: this.settings.retryBackoffMs,
          maxMs: this.settings.retryBackoffMaxMs,
          jitter: 'equal',
        })
        await sleep(delay, { clock: this.settings.clock, signal: this.settings.signal }).catch(() => {})
        attempt++
      }
    }
    if (this.stopped || records[0].epoch !== state.epoch) return 'ignore'
    return this.failed(state, records, lastError!)
  }

  /** One call of the handler, through the breaker, watched for maxProcessingMs. */
  private async attempt(state: PartitionState, records: QueuedRecord[], attempt: number): Promise<void> {
    const call = () => {
      if (this.batchHandler) {
        return this.batchHandler({
          topic: state.topic,
          partition: state.partition,
          messages: records.map((r) => this.message(state, r, attempt)),
          highWatermark: BigInt(state.highWatermark),
        })
      }
      return this.handler!(this.message(state, records[0], attempt))
    }
    const guarded = this.settings.breaker ? () => this.settings.breaker!.run(call) : call
    if (this.settings.maxProcessingMs <= 0) {
      await guarded()
      return
    }
    const started = this.settings.clock.now()
    let timer: TimerHandle | undefined
    const running = Promise.resolve().then(guarded)
    const watch = new Promise<never>((_, reject) => {
      timer = this.settings.clock.setTimeout(() => {
        this.host.stuck(state, records[0], this.settings.clock.now() - started)
        if (this.settings.onStuck === 'fail') reject(new StuckHandlerError(this.settings.maxProcessingMs))
      }, this.settings.maxProcessingMs)
    })
    try {
      await Promise.race([running, watch])
    } finally {
      this.settings.clock.clearTimeout(timer)
      running.catch(() => {})
    }
  }

  private message(state: PartitionState, r: QueuedRecord, attempt: number): ConsumerMessage {
    return {
      topic: state.topic,
      partition: state.partition,
      offset: BigInt(r.offset),
      timestamp: r.timestamp,
      key: r.key === null ? null : this.settings.keyDeserializer(r.key, state.topic),
      value: r.value === null ? null : this.settings.valueDeserializer(r.value, state.topic),
      headers: r.headers.map((h) => [h.key, h.value] as const),
      leaderEpoch: r.leaderEpoch,
      attempt,
    }
  }

  /** commit `auto` / `before-process`: the records count as done as they start (at most once for the latter). */
  private async finishEarly(state: PartitionState, records: QueuedRecord[]): Promise<void> {
    for (const record of records) state.settle(record)
    this.host.finished(state)
    if (this.settings.commit === 'before-process' && this.host.commitBefore) {
      await this.host.commitBefore(state, records[records.length - 1].offset + 1)
    }
  }

  /** After the last attempt: the failure policy. 'fatal' leaves the records unfinished. */
  private async failed(state: PartitionState, records: QueuedRecord[], error: Error): Promise<Outcome> {
    const policy = this.settings.onFailure
    if (policy === 'skip') {
      for (const r of records) this.host.skipped(state, r, error)
      return 'failure'
    }
    if (policy === 'dead-letter') {
      try {
        await this.host.deadLetter(records, state, error, this.settings.attempts)
        return 'failure'
      } catch (dlqError) {
        this.host.fatal(dlqError as Error)
        return 'fatal'
      }
    }
    this.host.fatal(error)
    return 'fatal'
  }

  private pumpBatches(): void {
    const batch = this.settings.batch!
    const now = this.settings.clock.now()
    let nextCheck = Number.POSITIVE_INFINITY
    for (const state of this.host.states()) {
      const key = `${state.topic}\0${state.partition}`
      if (this.lanes.get(key)?.busy || state.queued === 0) continue
      const oldest = state.queuedSince
      const due =
        state.queued >= batch.maxRecords ||
        state.queuedBytes >= batch.maxBytes ||
        now - oldest >= batch.maxWaitMs
      if (!due) {
        nextCheck = Math.min(nextCheck, oldest + batch.maxWaitMs)
        continue
      }
      const permit = this.settings.limiter.tryAcquire()
      if (!permit) return
      const records: QueuedRecord[] = []
      let bytes = 0
      while (records.length < batch.maxRecords) {
        const next = state.peek()
        if (!next || (records.length > 0 && bytes + next.size > batch.maxBytes)) break
        records.push(state.take()!)
        bytes += next.size
      }
      const lane: Lane = { key, state, waiting: [], busy: true, ready: false }
      this.lanes.set(key, lane)
      void this.runBatch(lane, records, permit)
    }
    if (Number.isFinite(nextCheck) && this.batchTimer === undefined) {
      this.batchTimer = this.settings.clock.setTimeout(
        () => {
          this.batchTimer = undefined
          this.pump()
        },
        Math.max(1, nextCheck - now),
      )
    }
  }

  private async runBatch(lane: Lane, records: QueuedRecord[], permit: Permit): Promise<void> {
    this.running += records.length
    const state = lane.state
    let outcome: Outcome = 'ignore'
    try {
      outcome = await this.process(state, records)
    } finally {
      permit.release(outcome === 'fatal' ? 'ignore' : outcome)
      this.running -= records.length
      for (const record of records) {
        if (outcome === 'fatal') state.abandon(record)
        else state.finish(record)
      }
      this.lanes.delete(lane.key)
      this.host.finished(state)
      this.notifyIdle()
      this.pump()
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters.splice(0)
    for (const check of waiters) check()
  }
}
