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
  readonly state: PartitionState
  /** The key within the partition (key ordering), for forgetting the lane. */
  readonly key: string | null | undefined
  waiting: QueuedRecord[]
  head: number
  busy: boolean
  ready: boolean
}

/** Records taken from partition queues into lanes, at most: how far ahead key ordering looks. */
const LOOKAHEAD_PER_SLOT = 4
const NO_HEADERS: ConsumerMessage['headers'] = Object.freeze([])

function newLane(state: PartitionState, key: string | null | undefined): Lane {
  return { state, key, waiting: [], head: 0, busy: false, ready: false }
}
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
  /** Lanes per partition: one (partition order), one per key (key order), or none kept (no order). */
  private readonly partitionLanes = new Map<PartitionState, Lane>()
  private readonly keyLanes = new Map<PartitionState, Map<string | null, Lane>>()
  private ready: Lane[] = []
  private readyHead = 0
  private inLanes = 0
  private rateTimer: TimerHandle | undefined
  private batchTimer: TimerHandle | undefined
  private readonly idleWaiters: (() => void)[] = []
  private running = 0
  private pumping = false
  private pumpAgain = false
  /** No breaker, no stuck watch, commits after processing: a record can finish without an await. */
  private readonly direct: boolean
  stopped = false
  /** Closing: nothing new starts; what runs may finish. */
  draining = false

  constructor(
    private readonly host: DispatchHost,
    private readonly settings: DispatchSettings,
    private readonly handler: MessageHandler | undefined,
    private readonly batchHandler: BatchHandler | undefined,
  ) {
    this.direct = !settings.breaker && settings.maxProcessingMs <= 0 && settings.commit === 'after-process'
  }

  /** Records being processed now. */
  get inFlight(): number {
    return this.running
  }

  /**
   * Starts what may start now. Cheap to call often. Re-entrant calls (a
   * handler that finished synchronously) only ask the running loop to look
   * again, so a long run of synchronous handlers never deepens the stack.
   */
  pump(): void {
    if (this.stopped || this.draining) return
    if (this.pumping) {
      this.pumpAgain = true
      return
    }
    this.pumping = true
    try {
      do {
        this.pumpAgain = false
        if (this.batchHandler) this.pumpBatches()
        else this.pumpRecords()
      } while (this.pumpAgain && !this.stopped && !this.draining)
    } finally {
      this.pumping = false
    }
  }

  private pumpRecords(): void {
    this.fillLanes()
    do this.startReady()
    while (this.readyHead === this.ready.length && this.lookFurther())
  }

  /** Starts ready lanes while permits (and the rate) allow. */
  private startReady(): void {
    while (this.readyHead < this.ready.length) {
      const lane = this.ready[this.readyHead]
      const record = lane.waiting[lane.head]
      if (this.settings.rate && !this.settings.rate.tryAcquire(1, record.size)) {
        this.waitForRate()
        return
      }
      const permit = this.settings.limiter.tryAcquire()
      if (!permit) return
      this.ready[this.readyHead++] = undefined as unknown as Lane
      if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.readyHead)
        this.readyHead = 0
      }
      lane.ready = false
      lane.busy = true
      lane.waiting[lane.head++] = undefined as unknown as QueuedRecord
      this.inLanes--
      this.start(lane, record, permit)
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

  /** Forgets the lanes of revoked partitions: their waiting records are abandoned (the state drops them). */
  forget(states: ReadonlySet<PartitionState>): void {
    const lanes: Lane[] = []
    for (const state of states) {
      const single = this.partitionLanes.get(state)
      if (single) lanes.push(single)
      for (const lane of this.keyLanes.get(state)?.values() ?? []) lanes.push(lane)
    }
    for (let i = this.readyHead; i < this.ready.length; i++) {
      const lane = this.ready[i]
      if (lane && states.has(lane.state) && !lanes.includes(lane)) lanes.push(lane)
    }
    for (const lane of lanes) {
      for (let i = lane.head; i < lane.waiting.length; i++) {
        lane.state.abandon(lane.waiting[i])
        this.inLanes--
      }
      lane.waiting = []
      lane.head = 0
      lane.ready = false
    }
    this.ready = this.ready.slice(this.readyHead).filter((lane) => lane && !states.has(lane.state))
    this.readyHead = 0
    for (const state of states) {
      if (!this.partitionLanes.get(state)?.busy) this.partitionLanes.delete(state)
      this.keyLanes.delete(state)
    }
  }

  stop(): void {
    this.stopped = true
    if (this.rateTimer !== undefined) this.settings.clock.clearTimeout(this.rateTimer)
    if (this.batchTimer !== undefined) this.settings.clock.clearTimeout(this.batchTimer)
    this.rateTimer = undefined
    this.batchTimer = undefined
  }

  /** The lane a record waits in for its turn. */
  private laneFor(state: PartitionState, record: QueuedRecord): Lane {
    const ordering = this.settings.ordering
    if (ordering === 'none') return newLane(state, undefined)
    if (ordering === 'partition') {
      let lane = this.partitionLanes.get(state)
      if (!lane) {
        lane = newLane(state, undefined)
        this.partitionLanes.set(state, lane)
      }
      return lane
    }
    let byKey = this.keyLanes.get(state)
    if (!byKey) {
      byKey = new Map()
      this.keyLanes.set(state, byKey)
    }
    let lane = byKey.get(record.keyText)
    if (!lane) {
      lane = newLane(state, record.keyText)
      byKey.set(record.keyText, lane)
    }
    return lane
  }

  /**
   * Key order with no lane ready: looks past the lookahead for a record of
   * an idle key while a permit is free, so that keys whose records lie
   * beyond the window do not wait behind busy ones (head-of-line blocking:
   * with 10 keys and concurrency 100 the bounded window alone cost +45 %
   * over the ideal). The records are already fetched and counted in the
   * buffer budget; taking them into lanes costs a pointer each. Only from
   * partitions under `overflow: 'pause'`. True if a lane became ready.
   */
  private lookFurther(): boolean {
    if (this.settings.ordering !== 'key' || this.stopped || this.draining) return false
    if (this.running >= this.settings.limiter.limit) return false
    let progress = true
    while (progress) {
      progress = false
      for (const state of this.host.states()) {
        if (!state.mayTakeAhead) continue
        const record = state.take()
        if (!record) continue
        progress = true
        if (this.addToLane(state, record)) return true
      }
    }
    return false
  }

  /** Puts a record taken from its partition's queue into its lane; true if that made the lane ready. */
  private addToLane(state: PartitionState, record: QueuedRecord): boolean {
    const lane = this.laneFor(state, record)
    if (lane.head === lane.waiting.length) {
      lane.waiting.length = 0
      lane.head = 0
    }
    lane.waiting.push(record)
    this.inLanes++
    if (lane.busy || lane.ready) return false
    lane.ready = true
    this.ready.push(lane)
    return true
  }

  /** Moves records from partition queues into lanes, up to the lookahead, partition by partition in turn. */
  private fillLanes(): void {
    const limit = Math.max(MIN_LOOKAHEAD, this.settings.limiter.limit * LOOKAHEAD_PER_SLOT)
    const partitionOrder = this.settings.ordering === 'partition'
    let progress = true
    while (progress && this.inLanes < limit) {
      progress = false
      for (const state of this.host.states()) {
        if (this.inLanes >= limit) break
        if (partitionOrder) {
          // partition order needs no lookahead: its lane runs one record at a time anyway
          const lane = this.partitionLanes.get(state)
          if (lane && lane.head < lane.waiting.length) continue
        }
        const record = state.take()
        if (!record) continue
        progress = true
        this.addToLane(state, record)
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

  /**
   * Runs one record. The direct path calls the handler and finishes on its
   * result without an await when it is not a promise, and with one `then`
   * when it is; a failure (or a breaker, a stuck watch, early commits) goes
   * the full way, with retries and the failure policy.
   */
  private start(lane: Lane, record: QueuedRecord, permit: Permit): void {
    this.running++
    const state = lane.state
    if (!this.direct) {
      void this.runRecord(lane, record, permit)
      return
    }
    const started = this.settings.clock.now()
    let result: unknown
    try {
      result = this.handler!(this.message(state, record, 1))
    } catch (error) {
      void this.runRecord(lane, record, permit, error as Error)
      return
    }
    if (
      result !== null &&
      typeof result === 'object' &&
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      ;(result as PromiseLike<unknown>).then(
        () => this.succeeded(lane, record, permit, started),
        (error) => void this.runRecord(lane, record, permit, error as Error),
      )
    } else this.succeeded(lane, record, permit, started)
  }

  private succeeded(lane: Lane, record: QueuedRecord, permit: Permit, started: number): void {
    const counters = this.settings.counters
    counters.processed++
    counters.handlerMsTotal += this.settings.clock.now() - started
    this.finishRecord(lane, record, permit, 'success')
  }

  /** The full way: attempts with backoff, then the failure policy; `firstError` if the direct path's try failed. */
  private async runRecord(
    lane: Lane,
    record: QueuedRecord,
    permit: Permit,
    firstError?: Error,
  ): Promise<void> {
    let outcome: Outcome = 'ignore'
    try {
      outcome = await this.process(lane.state, [record], firstError)
    } finally {
      this.finishRecord(lane, record, permit, outcome)
    }
  }

  private finishRecord(lane: Lane, record: QueuedRecord, permit: Permit, outcome: Outcome): void {
    const state = lane.state
    permit.release(outcome === 'fatal' ? 'ignore' : outcome)
    this.running--
    // a record the consumer stopped on stays unfinished: its offset is never committed
    if (outcome === 'fatal') state.abandon(record)
    else state.finish(record)
    lane.busy = false
    if (lane.head < lane.waiting.length) {
      lane.ready = true
      this.ready.push(lane)
    } else if (lane.key !== undefined || this.settings.ordering === 'key') {
      const byKey = this.keyLanes.get(state)
      if (byKey?.get(lane.key ?? null) === lane) byKey.delete(lane.key ?? null)
    }
    this.host.finished(state)
    if (this.idleWaiters.length > 0) this.notifyIdle()
    this.pump()
  }

  /**
   * Runs the handler on records (one, or a batch) until it succeeds or the
   * attempts are used up, then applies the failure policy. Resolves with how
   * it went, for an adaptive concurrency limit.
   */
  private async process(
    state: PartitionState,
    records: QueuedRecord[],
    firstError?: Error,
  ): Promise<Outcome> {
    if (this.settings.commit !== 'after-process') await this.finishEarly(state, records)
    let lastError: Error | undefined
    let attempt = 1
    if (firstError) {
      // the direct path made the first attempt
      lastError = firstError
      this.settings.counters.failedAttempts++
      if (this.settings.attempts === 1) return this.failed(state, records, firstError)
      this.settings.counters.retries++
      await this.backoff(1)
      attempt = 2
    }
    for (; attempt <= this.settings.attempts; ) {
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
        await this.backoff(attempt)
        attempt++
      }
    }
    if (this.stopped || records[0].epoch !== state.epoch) return 'ignore'
    return this.failed(state, records, lastError!)
  }

  private backoff(attempt: number): Promise<void> {
    const delay = backoffDelay(attempt, {
      initialMs: this.settings.retryBackoffMs,
      maxMs: this.settings.retryBackoffMaxMs,
      jitter: 'equal',
    })
    return sleep(delay, { clock: this.settings.clock, signal: this.settings.signal }).catch(() => {})
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
      headers: r.headers.length === 0 ? NO_HEADERS : r.headers.map((h) => [h.key, h.value] as const),
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
      if (this.partitionLanes.get(state)?.busy || state.queued === 0) continue
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
      const lane = newLane(state, undefined)
      lane.busy = true
      this.partitionLanes.set(state, lane)
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
      if (this.partitionLanes.get(state) === lane) this.partitionLanes.delete(state)
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
