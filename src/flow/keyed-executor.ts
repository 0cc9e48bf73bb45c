import { abortReason } from './clock.js'
import { RingBuffer } from './ring-buffer.js'

export interface KeyedExecutorOptions<K> {
  /** Most tasks running at once, over all keys. */
  concurrency: number
  /**
   * Most tasks accepted but not yet started; `submit` waits beyond it. It is
   * also how far ahead the executor can look for a key that is free to run,
   * so it should comfortably exceed `concurrency`. Default: the larger of
   * 1024 and 4 × concurrency.
   */
  maxQueued?: number
  /**
   * Where failures of tasks given to `submit` go. Without it the first
   * failure is kept and `drain()` rejects with it (`run` callers always get
   * their own task's failure instead).
   */
  onError?: (error: unknown, key: K) => void
}

export interface KeyedExecutorStats {
  concurrency: number
  running: number
  queued: number
  /** Keys with a task running or queued. */
  activeKeys: number
  /** Callers of `submit`/`run` waiting for queue room. */
  waitingSubmitters: number
  submitted: number
  completed: number
  failed: number
  /** The most tasks seen running at once. */
  maxRunning: number
}

interface Job {
  task: () => unknown
  resolve: ((value: unknown) => void) | undefined
  reject: ((error: unknown) => void) | undefined
  /** Next job of the same key: each key's queue is a linked list, so a key with one task allocates no array. */
  next: Job | undefined
}

/** Everything the executor knows about one key while it has work. */
interface Lane<K> {
  key: K
  /** A task of this key is running. */
  busy: boolean
  /** This lane sits in the ready queue, waiting for a free slot. */
  ready: boolean
  head: Job | undefined
  tail: Job | undefined
}

interface Submitter<K> {
  key: K
  job: Job
  resolve: () => void
  reject: (error: unknown) => void
  signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
}

const RESOLVED: Promise<void> = Promise.resolve()

/**
 * Runs async tasks with at most `concurrency` at once, while tasks that share
 * a key run one at a time in the order they were submitted: the way to
 * process messages in parallel yet in order per key (or per partition).
 *
 * Tasks of a busy key wait in that key's queue without holding a slot; a slot
 * goes to the longest-waiting key that is free to run (a ready queue of keys,
 * first in first out), so one hot key cannot starve the others and a free
 * slot is never left idle while any queued task could use it. That keeps the
 * total time close to the ideal: the larger of total work / concurrency and
 * the busiest key's work.
 *
 * A task starts synchronously inside `submit` when its key is idle and a slot
 * is free (no promise turn is spent before it begins).
 */
export class KeyedExecutor<K = unknown> {
  readonly concurrency: number
  readonly maxQueued: number
  /** Queue depth at which waiting submitters are let back in. */
  private readonly resumeQueued: number
  private readonly onError: ((error: unknown, key: K) => void) | undefined
  private readonly lanes = new Map<K, Lane<K>>()
  private readonly readyLanes = new RingBuffer<Lane<K>>()
  private readonly submitters = new RingBuffer<Submitter<K>>()
  private drainWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = []
  private running = 0
  private queued = 0
  private pumping = false
  private firstError: { error: unknown } | undefined
  private submittedCount = 0
  private completedCount = 0
  private failedCount = 0
  private maxRunningSeen = 0

  constructor(options: KeyedExecutorOptions<K>) {
    const { concurrency } = options
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`KeyedExecutor concurrency must be a positive integer, got ${concurrency}`)
    }
    const maxQueued = options.maxQueued ?? Math.max(1024, concurrency * 4)
    if (!Number.isSafeInteger(maxQueued) || maxQueued < 1) {
      throw new RangeError(`KeyedExecutor maxQueued must be a positive integer, got ${maxQueued}`)
    }
    this.concurrency = concurrency
    this.maxQueued = maxQueued
    this.resumeQueued = Math.floor(maxQueued / 2)
    this.onError = options.onError
  }

  /**
   * Accepts a task for `key`, waiting while the queue is full (and, once
   * waiting, until it has drained to half, so waiters are woken in bulk rather
   * than one per finished task). Resolves once
   * the task is accepted (started or queued), not when it finishes; its
   * failure goes to `onError` (or to `drain`). Rejects only if `signal`
   * aborts before the task was accepted, in which case it never runs.
   */
  submit(key: K, task: () => unknown, signal?: AbortSignal): Promise<void> {
    return this.submitJob(key, { task, resolve: undefined, reject: undefined, next: undefined }, signal)
  }

  /** Accepts a task only if that needs no wait; false when the queue is full. */
  trySubmit(key: K, task: () => unknown): boolean {
    if (!this.hasRoomFor(key)) return false
    this.enqueue(key, { task, resolve: undefined, reject: undefined, next: undefined })
    return true
  }

  /** Like `submit`, but resolves or rejects with the task's own outcome once it has run. */
  run<R>(key: K, task: () => R | PromiseLike<R>, signal?: AbortSignal): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const job: Job = { task, resolve: resolve as (value: unknown) => void, reject, next: undefined }
      this.submitJob(key, job, signal).catch(reject)
    })
  }

  /**
   * Resolves once nothing is running, queued or waiting to be submitted.
   * Rejects with the first failure of a `submit`ted task since the last
   * drain when there is no `onError`.
   */
  drain(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.drainWaiters.push({ resolve, reject })
      this.checkIdle()
    })
  }

  stats(): KeyedExecutorStats {
    return {
      concurrency: this.concurrency,
      running: this.running,
      queued: this.queued,
      activeKeys: this.lanes.size,
      waitingSubmitters: this.submitters.length,
      submitted: this.submittedCount,
      completed: this.completedCount,
      failed: this.failedCount,
      maxRunning: this.maxRunningSeen,
    }
  }

  private submitJob(key: K, job: Job, signal: AbortSignal | undefined): Promise<void> {
    if (this.hasRoomFor(key)) {
      this.enqueue(key, job)
      return RESOLVED
    }
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    return new Promise<void>((resolve, reject) => {
      const submitter: Submitter<K> = { key, job, resolve, reject, signal, onAbort: undefined }
      if (signal !== undefined) {
        submitter.onAbort = () => {
          if (!this.submitters.remove(submitter)) return
          reject(abortReason(signal))
          // the one that left may have stood in front of one that fits
          this.pump()
        }
        signal.addEventListener('abort', submitter.onAbort, { once: true })
      }
      this.submitters.push(submitter)
    })
  }

  /**
   * Whether a task for `key` can be accepted now: nobody is waiting ahead,
   * and either the queue has room or the task can start at once (a full queue
   * of another key's work must not keep an idle key from a free slot).
   */
  private hasRoomFor(key: K): boolean {
    return this.submitters.length === 0 && (this.queued < this.maxQueued || this.canStartNow(key))
  }

  private canStartNow(key: K): boolean {
    if (this.running >= this.concurrency || this.readyLanes.length > 0) return false
    const lane = this.lanes.get(key)
    return lane === undefined || (!lane.busy && lane.head === undefined)
  }

  private enqueue(key: K, job: Job): void {
    this.submittedCount++
    let lane = this.lanes.get(key)
    if (lane === undefined) {
      lane = { key, busy: false, ready: false, head: undefined, tail: undefined }
      this.lanes.set(key, lane)
    }
    if (
      !lane.busy &&
      lane.head === undefined &&
      this.running < this.concurrency &&
      this.readyLanes.length === 0
    ) {
      this.start(lane, job)
      return
    }
    if (lane.tail === undefined) lane.head = job
    else lane.tail.next = job
    lane.tail = job
    this.queued++
    if (!lane.busy && !lane.ready) {
      lane.ready = true
      this.readyLanes.push(lane)
    }
  }

  private start(lane: Lane<K>, job: Job): void {
    lane.busy = true
    this.running++
    if (this.running > this.maxRunningSeen) this.maxRunningSeen = this.running
    let result: unknown
    try {
      result = job.task()
    } catch (error) {
      this.settle(lane, job, false, error)
      return
    }
    if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') {
      ;(result as PromiseLike<unknown>).then(
        (value) => this.settle(lane, job, true, value),
        (error) => this.settle(lane, job, false, error),
      )
    } else {
      this.settle(lane, job, true, result)
    }
  }

  private settle(lane: Lane<K>, job: Job, ok: boolean, value: unknown): void {
    this.running--
    lane.busy = false
    if (ok) {
      this.completedCount++
      job.resolve?.(value)
    } else {
      this.failedCount++
      if (job.reject !== undefined) job.reject(value)
      else if (this.onError !== undefined) this.onError(value, lane.key)
      else this.firstError ??= { error: value }
    }
    if (lane.head !== undefined) {
      // back of the ready queue: the key waits its turn behind keys that were ready first
      lane.ready = true
      this.readyLanes.push(lane)
    } else {
      this.lanes.delete(lane.key)
    }
    this.pump()
  }

  /**
   * Fills free slots from the ready queue and lets waiting submitters in.
   * Tasks that finish synchronously call back into here; the flag turns that
   * recursion into more turns of the loop below.
   */
  private pump(): void {
    if (this.pumping) return
    this.pumping = true
    let admitting = false
    try {
      for (;;) {
        while (this.running < this.concurrency && this.readyLanes.length > 0) {
          const lane = this.readyLanes.shift()!
          lane.ready = false
          const job = lane.head!
          lane.head = job.next
          if (lane.head === undefined) lane.tail = undefined
          job.next = undefined
          this.queued--
          this.start(lane, job)
        }
        const submitter = this.submitters.peek()
        if (submitter === undefined) break
        // once submitters wait, they are let back in only when the queue has
        // drained to half (then while it has room): waking one per finished
        // task would cost a promise round trip per task for the whole run
        const limit = admitting ? this.maxQueued : this.resumeQueued + 1
        if (this.queued >= limit && !this.canStartNow(submitter.key)) break
        admitting = true
        this.submitters.shift()
        if (submitter.onAbort !== undefined) submitter.signal!.removeEventListener('abort', submitter.onAbort)
        this.enqueue(submitter.key, submitter.job)
        submitter.resolve()
      }
    } finally {
      this.pumping = false
    }
    this.checkIdle()
  }

  private checkIdle(): void {
    if (this.drainWaiters.length === 0) return
    if (this.running > 0 || this.queued > 0 || this.submitters.length > 0) return
    const waiters = this.drainWaiters
    this.drainWaiters = []
    const failure = this.firstError
    this.firstError = undefined
    for (const waiter of waiters) {
      if (failure === undefined) waiter.resolve()
      else waiter.reject(failure.error)
    }
  }
}
