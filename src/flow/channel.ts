import { abortReason, type Clock, systemClock } from './clock.js'
import { ChannelClosedError, ChannelFullError } from './errors.js'
import { RingBuffer } from './ring-buffer.js'

/**
 * What a send does when the channel has no room:
 * - 'suspend': waits until a receiver makes room (lossless backpressure; the default)
 * - 'drop-oldest': evicts the oldest buffered items to make room
 * - 'drop-newest': discards the item being sent
 * - 'latest': conflates; a buffered item is replaced by a newer one with the same
 *   key (`keyOf`; without it every item shares one key, so at most one is held).
 *   A new key when the channel is full waits, as under 'suspend'.
 * - 'error': the send rejects with ChannelFullError and the caller keeps the item
 */
export type OverflowStrategy = 'suspend' | 'drop-oldest' | 'drop-newest' | 'latest' | 'error'

/** Why an item left the channel without being received. */
export type DropReason = 'oldest' | 'newest' | 'conflated' | 'aborted'

export interface ChannelOptions<T> {
  /** Most items held at once; a positive integer. */
  capacity: number
  /** Most bytes held at once, as measured by `sizeOf` (which it requires). */
  capacityBytes?: number
  /** Size of an item in bytes; must be deterministic. Tracked in stats even without `capacityBytes`. */
  sizeOf?: (item: T) => number
  overflow?: OverflowStrategy
  /** Key for 'latest' conflation; only valid with overflow 'latest'. */
  keyOf?: (item: T) => unknown
  /** Called for every item dropped by the overflow strategy or discarded by `abort`. */
  onDrop?: (item: T, reason: DropReason) => void
  /** Aborting it aborts the channel (see `abort`). */
  signal?: AbortSignal
  /** Used only to time how long senders wait. */
  clock?: Clock
}

export interface WaitOptions {
  /** Gives up waiting when aborted: the promise rejects with the signal's reason and nothing is sent or taken. */
  signal?: AbortSignal
}

export interface ChannelStats {
  depth: number
  bytes: number
  /** The most items held at any moment so far. */
  maxDepth: number
  maxBytes: number
  capacity: number
  capacityBytes: number
  /** Items the channel accepted; always received + depth + the sum of `dropped`. */
  sent: number
  received: number
  dropped: Record<DropReason, number>
  /** Sends refused under overflow 'error' (the caller kept those items). */
  rejected: number
  waitingSenders: number
  waitingReceivers: number
  /** Sends that had to wait for room. */
  sendWaits: number
  /** Total time senders spent waiting for room, including waits still in progress. */
  sendWaitMs: number
  closed: boolean
}

interface PendingSend<T> {
  item: T
  size: number
  since: number
  resolve: () => void
  reject: (error: unknown) => void
  signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
}

/** How a waiting receiver wants its item: as is (`receive`), as an iterator result, or in an array. */
type ReceiveMode = 0 | 1 | 2
const MODE_VALUE = 0
const MODE_RESULT = 1
const MODE_BATCH = 2

interface PendingReceive {
  mode: ReceiveMode
  /** Resolves with T, IteratorResult<T> or T[], depending on `mode`. */
  resolve: (value: any) => void
  reject: (error: unknown) => void
  signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
}

interface LatestSlot<T> {
  item: T
  size: number
}

type State = 0 | 1 | 2
const OPEN = 0
const CLOSED = 1
const ABORTED = 2

// One shared settled promise: a send that needs no wait allocates nothing.
const RESOLVED: Promise<void> = Promise.resolve()
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true })

const OVERFLOW_STRATEGIES: readonly OverflowStrategy[] = [
  'suspend',
  'drop-oldest',
  'drop-newest',
  'latest',
  'error',
]

/**
 * A bounded FIFO between producers and consumers, by item count and
 * optionally by bytes, with a choice of what to do when it is full.
 *
 * Items are handed straight to a waiting receiver when there is one;
 * otherwise they sit in a ring buffer. Waiting senders queue in order and are
 * let back in once receivers have drained the channel to half its capacity,
 * so under 'suspend' items come out exactly in the order their sends were
 * called. `close()` lets receivers drain what is left (including the items of
 * senders still waiting) and then ends them; `abort()` discards everything at
 * once.
 *
 * Every item a strategy throws away (and every item `abort` discards) is
 * counted by reason in `stats().dropped` and passed to `onDrop`; accepted
 * items always add up: sent = received + depth + dropped.
 *
 * Fast path, for producers that rarely wait: `ch.trySend(x) || (await ch.send(x))`
 * skips one promise turn per item while there is room and is equivalent to
 * `await ch.send(x)` under every strategy.
 */
export class Channel<T> implements AsyncIterable<T> {
  readonly capacity: number
  readonly capacityBytes: number
  readonly overflow: OverflowStrategy
  private readonly sizeOf: ((item: T) => number) | undefined
  private readonly keyOf: ((item: T) => unknown) | undefined
  private readonly onDrop: ((item: T, reason: DropReason) => void) | undefined
  private readonly clock: Clock
  private readonly signal: AbortSignal | undefined
  private readonly onSignalAbort: (() => void) | undefined

  /** FIFO storage for every strategy but 'latest'. */
  private readonly items: RingBuffer<T>
  /** Sizes parallel to `items`, only when `sizeOf` is given. */
  private readonly sizes: RingBuffer<number> | null
  /** Storage for 'latest': a Map keeps insertion order, so replacing a key's value keeps its place. */
  private readonly latest: Map<unknown, LatestSlot<T>> | null
  private heldBytes = 0
  /** Where waiting senders are let back in; see `maybeAdmitSenders`. */
  private readonly resumeDepth: number
  private readonly resumeBytes: number

  private readonly senders = new RingBuffer<PendingSend<T>>()
  private readonly receivers = new RingBuffer<PendingReceive>()
  private state: State = OPEN
  private abortError: unknown

  private sentCount = 0
  private receivedCount = 0
  private rejectedCount = 0
  private maxDepthSeen = 0
  private maxBytesSeen = 0
  private sendWaitCount = 0
  private sendWaitTotalMs = 0
  private readonly droppedCounts: Record<DropReason, number> = {
    oldest: 0,
    newest: 0,
    conflated: 0,
    aborted: 0,
  }

  constructor(options: ChannelOptions<T>) {
    const { capacity, capacityBytes, sizeOf, overflow = 'suspend', keyOf, onDrop, signal } = options
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`Channel capacity must be a positive integer, got ${capacity}`)
    }
    if (!OVERFLOW_STRATEGIES.includes(overflow)) {
      throw new RangeError(
        `Channel overflow must be one of ${OVERFLOW_STRATEGIES.join(', ')}, got ${overflow}`,
      )
    }
    if (capacityBytes !== undefined) {
      if (!(capacityBytes > 0))
        throw new RangeError(`Channel capacityBytes must be positive, got ${capacityBytes}`)
      if (sizeOf === undefined) throw new TypeError('Channel capacityBytes needs a sizeOf function')
    }
    if (keyOf !== undefined && overflow !== 'latest') {
      throw new TypeError(`Channel keyOf only applies to overflow 'latest', not '${overflow}'`)
    }
    this.capacity = capacity
    this.capacityBytes = capacityBytes ?? Number.POSITIVE_INFINITY
    this.overflow = overflow
    this.resumeDepth = Math.floor(capacity / 2)
    this.resumeBytes = this.capacityBytes / 2
    this.sizeOf = sizeOf
    this.keyOf = keyOf
    this.onDrop = onDrop
    this.clock = options.clock ?? systemClock
    this.items = new RingBuffer(Math.min(capacity, 1024))
    this.sizes = sizeOf === undefined ? null : new RingBuffer(Math.min(capacity, 1024))
    this.latest = overflow === 'latest' ? new Map() : null
    this.signal = signal
    if (signal !== undefined) {
      this.onSignalAbort = () => this.abort(abortReason(signal))
      if (signal.aborted) this.onSignalAbort()
      else signal.addEventListener('abort', this.onSignalAbort, { once: true })
    }
  }

  /** Items held now (not counting those of waiting senders). */
  get depth(): number {
    return this.latest === null ? this.items.length : this.latest.size
  }

  /** True once `close()` or `abort()` was called. */
  get closed(): boolean {
    return this.state !== OPEN
  }

  /**
   * Sends one item. Resolves once the channel has taken it: at once when
   * there is room or the strategy drops instead of waiting; under 'suspend'
   * (and 'latest' for a new key) once its turn has come among the waiting
   * senders and receivers have drained the channel to half. Rejects with
   * ChannelClosedError after `close()`, with ChannelFullError under 'error',
   * with a RangeError when the item alone is larger than `capacityBytes`, and
   * with the abort reason when the channel or `options.signal` aborts.
   */
  send(item: T, options?: WaitOptions): Promise<void> {
    if (this.state !== OPEN) return Promise.reject(this.closedError())
    const size = this.sizeOf === undefined ? 0 : this.measure(item)
    if (size < 0) return Promise.reject(this.sizeError(item))
    if (this.offer(item, size)) return RESOLVED
    if (this.overflow === 'error') {
      this.rejectedCount++
      return Promise.reject(new ChannelFullError())
    }
    return this.waitToSend(item, size, options?.signal)
  }

  /**
   * Sends without waiting. True when the channel dealt with the item the way
   * `send` would have without waiting (stored it, handed it over, or dropped
   * it by its strategy); false when `send` would have had to wait (or, under
   * 'error', would have rejected): the item was not taken. Throws after close.
   */
  trySend(item: T): boolean {
    if (this.state !== OPEN) throw this.closedError()
    const size = this.sizeOf === undefined ? 0 : this.measure(item)
    if (size < 0) throw this.sizeError(item)
    return this.offer(item, size)
  }

  /** Sends every item in order, waiting only when the strategy says to. */
  async sendAll(items: Iterable<T>, options?: WaitOptions): Promise<void> {
    // awaiting only real waits: an await of anything costs a promise turn per item
    if (Array.isArray(items)) {
      for (let i = 0; i < items.length; i++) {
        const wait = this.sendOne(items[i], options)
        if (wait !== undefined) await wait
      }
    } else {
      for (const item of items) {
        const wait = this.sendOne(item, options)
        if (wait !== undefined) await wait
      }
    }
  }

  /** `send`, but undefined rather than a settled promise when no wait was needed (for sendAll's loop). */
  private sendOne(item: T, options: WaitOptions | undefined): Promise<void> | undefined {
    if (this.state !== OPEN) throw this.closedError()
    const size = this.sizeOf === undefined ? 0 : this.measure(item)
    if (size < 0) throw this.sizeError(item)
    if (this.offer(item, size)) return undefined
    if (this.overflow === 'error') {
      this.rejectedCount++
      throw new ChannelFullError()
    }
    return this.waitToSend(item, size, options?.signal)
  }

  /**
   * The next item, waiting for one if needed. Rejects with ChannelClosedError
   * once the channel is closed and drained, or with the abort reason.
   */
  receive(options?: WaitOptions): Promise<T> {
    if (this.depth > 0) return Promise.resolve(this.takeOne())
    if (this.state !== OPEN) return Promise.reject(this.closedError())
    return this.waitToReceive(MODE_VALUE, options?.signal)
  }

  /** The next item if one is buffered, else undefined (check `depth` first when T includes undefined). */
  tryReceive(): T | undefined {
    if (this.depth > 0) return this.takeOne()
    if (this.state === ABORTED) throw this.abortError
    return undefined
  }

  /**
   * Up to `max` items, oldest first, waiting only while none is buffered.
   * Resolves with an empty array once the channel is closed and drained: a
   * batch is never empty otherwise.
   */
  receiveBatch(max: number, options?: WaitOptions): Promise<T[]> {
    if (!(max >= 1)) return Promise.reject(new RangeError(`receiveBatch max must be at least 1, got ${max}`))
    if (this.depth > 0) return Promise.resolve(this.takeBatch(max))
    if (this.state === ABORTED) return Promise.reject(this.abortError)
    if (this.state === CLOSED) return Promise.resolve([])
    return this.waitToReceive(MODE_BATCH, options?.signal)
  }

  /** Up to `max` buffered items without waiting; empty when none is buffered. */
  tryReceiveBatch(max: number): T[] {
    if (this.depth > 0) return this.takeBatch(max)
    if (this.state === ABORTED) throw this.abortError
    return []
  }

  /** Async iteration over batches of up to `max` items, ending when the channel is closed and drained. */
  async *batches(max: number): AsyncGenerator<T[], void, undefined> {
    for (;;) {
      const batch = await this.receiveBatch(max)
      if (batch.length === 0) return
      yield batch
    }
  }

  /**
   * Iterates until the channel is closed and drained. Leaving the loop early
   * (break, return, throw) does not close the channel: other receivers may
   * still be reading, and senders keep their items.
   */
  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return {
      next: (): Promise<IteratorResult<T, undefined>> => {
        if (this.depth > 0) return Promise.resolve({ value: this.takeOne(), done: false })
        if (this.state === ABORTED) return Promise.reject(this.abortError)
        if (this.state === CLOSED) return Promise.resolve(DONE)
        return this.waitToReceive(MODE_RESULT, undefined)
      },
      return: (): Promise<IteratorResult<T, undefined>> => Promise.resolve(DONE),
    }
  }

  /**
   * No more sends: they reject with ChannelClosedError from now on.
   * Receivers still get every buffered item and those of senders already
   * waiting, then end (iteration finishes, `receiveBatch` gives [],
   * `receive` rejects with ChannelClosedError).
   */
  close(): void {
    if (this.state !== OPEN) return
    this.state = CLOSED
    this.detachSignal()
    if (this.depth === 0 && this.senders.length === 0) this.endReceivers()
  }

  /**
   * Stops everything now: buffered items are dropped (reason 'aborted',
   * reported to `onDrop`), waiting senders and receivers reject with
   * `reason`, and so does every later call.
   */
  abort(reason: unknown = new DOMException('The channel was aborted', 'AbortError')): void {
    if (this.state === ABORTED) return
    this.state = ABORTED
    this.abortError = reason
    this.detachSignal()
    while (this.senders.length > 0) {
      const pending = this.senders.shift()!
      this.forgetSenderSignal(pending)
      pending.reject(reason)
    }
    while (this.receivers.length > 0) {
      const pending = this.receivers.shift()!
      this.forgetReceiverSignal(pending)
      pending.reject(reason)
    }
    while (this.depth > 0) this.drop(this.take(), 'aborted')
  }

  stats(): ChannelStats {
    let sendWaitMs = this.sendWaitTotalMs
    if (this.senders.length > 0) {
      const now = this.clock.now()
      for (let i = 0; i < this.senders.length; i++) sendWaitMs += now - this.senders.at(i)!.since
    }
    return {
      depth: this.depth,
      bytes: this.heldBytes,
      maxDepth: this.maxDepthSeen,
      maxBytes: this.maxBytesSeen,
      capacity: this.capacity,
      capacityBytes: this.capacityBytes,
      sent: this.sentCount,
      received: this.receivedCount,
      dropped: { ...this.droppedCounts },
      rejected: this.rejectedCount,
      waitingSenders: this.senders.length,
      waitingReceivers: this.receivers.length,
      sendWaits: this.sendWaitCount,
      sendWaitMs,
      closed: this.state !== OPEN,
    }
  }

  /** The item's size, or -1 when it is not a usable size or can never fit. */
  private measure(item: T): number {
    const size = this.sizeOf!(item)
    return size >= 0 && size <= this.capacityBytes ? size : -1
  }

  private sizeError(item: T): RangeError {
    const size = this.sizeOf!(item)
    return new RangeError(
      size >= 0
        ? `item of ${size} bytes can never fit a channel of ${this.capacityBytes} bytes`
        : `sizeOf returned ${size}; sizes must be non-negative numbers`,
    )
  }

  private closedError(): unknown {
    return this.state === ABORTED ? this.abortError : new ChannelClosedError()
  }

  /** Deals with an item without waiting if the strategy allows; false means the sender must wait. */
  private offer(item: T, size: number): boolean {
    // a waiting receiver means nothing is buffered and nobody is queued ahead
    if (this.receivers.length > 0) {
      this.sentCount++
      this.handOff(item)
      return true
    }
    if (this.latest !== null) {
      if (!this.placeLatest(item, size, false)) return false
      this.sentCount++
      return true
    }
    if (
      this.items.length < this.capacity &&
      this.heldBytes + size <= this.capacityBytes &&
      this.senders.length === 0
    ) {
      this.put(item, size)
      this.sentCount++
      return true
    }
    if (this.overflow === 'drop-oldest') {
      while (this.items.length >= this.capacity || this.heldBytes + size > this.capacityBytes) {
        this.drop(this.take(), 'oldest')
      }
      this.put(item, size)
      this.sentCount++
      return true
    }
    if (this.overflow === 'drop-newest') {
      this.sentCount++
      this.drop(item, 'newest')
      return true
    }
    return false
  }

  /**
   * Conflating placement: replaces the item held under the same key, keeping
   * its place in line, or adds the key at the back when there is room. A
   * queued sender (`queued`) is already at the head of the line; a fresh one
   * may only add a key when nobody is waiting ahead of it.
   */
  private placeLatest(item: T, size: number, queued: boolean): boolean {
    const map = this.latest!
    const key = this.keyOf === undefined ? undefined : this.keyOf(item)
    const slot = map.get(key)
    if (slot !== undefined) {
      const old = slot.item
      if (this.heldBytes - slot.size + size <= this.capacityBytes) {
        this.heldBytes += size - slot.size
        slot.item = item
        slot.size = size
        if (this.heldBytes > this.maxBytesSeen) this.maxBytesSeen = this.heldBytes
        this.drop(old, 'conflated')
        return true
      }
      // the newer value does not fit in the old one's place; the old one is
      // superseded all the same, and the room it frees goes to whoever is first in line
      map.delete(key)
      this.heldBytes -= slot.size
      this.drop(old, 'conflated')
      if (!queued && this.senders.length > 0) this.admitSenders()
      return this.placeLatest(item, size, queued)
    }
    if (
      (queued || this.senders.length === 0) &&
      map.size < this.capacity &&
      this.heldBytes + size <= this.capacityBytes
    ) {
      map.set(key, { item, size })
      this.heldBytes += size
      this.noteDepth(map.size)
      return true
    }
    return false
  }

  private put(item: T, size: number): void {
    this.items.push(item)
    if (this.sizes !== null) {
      this.sizes.push(size)
      this.heldBytes += size
    }
    this.noteDepth(this.items.length)
  }

  private noteDepth(depth: number): void {
    if (depth > this.maxDepthSeen) this.maxDepthSeen = depth
    if (this.heldBytes > this.maxBytesSeen) this.maxBytesSeen = this.heldBytes
  }

  /** Removes the oldest held item; the caller has checked there is one. */
  private take(): T {
    if (this.latest !== null) {
      const first = this.latest.entries().next().value as [unknown, LatestSlot<T>]
      this.latest.delete(first[0])
      this.heldBytes -= first[1].size
      return first[1].item
    }
    if (this.sizes !== null) this.heldBytes -= this.sizes.shift()!
    return this.items.shift() as T
  }

  private takeOne(): T {
    const item = this.take()
    this.receivedCount++
    this.afterTake()
    return item
  }

  private takeBatch(max: number): T[] {
    const out: T[] = []
    while (out.length < max && this.depth > 0) {
      if (this.latest === null && this.sizes === null) {
        this.items.shiftInto(out, max - out.length)
      } else {
        out.push(this.take())
      }
      // let waiting senders refill as we go, so a batch can be larger than one buffer's worth
      if (this.senders.length > 0) this.maybeAdmitSenders()
    }
    this.receivedCount += out.length
    this.afterTake()
    return out
  }

  private afterTake(): void {
    if (this.senders.length > 0) this.maybeAdmitSenders()
    else if (this.state === CLOSED && this.depth === 0) this.endReceivers()
  }

  /**
   * Waiting senders are let back in only once the channel has drained to half
   * its capacity (items and bytes), not at the first free slot. Waking a
   * sender for every item a receiver takes would cost a promise round trip
   * per item whenever the producer is the faster side; with the gap, a woken
   * producer refills half the buffer without waiting (the way a Node stream
   * emits 'drain' only after emptying). The bound is unchanged.
   */
  private maybeAdmitSenders(): void {
    if (this.depth <= this.resumeDepth && this.heldBytes <= this.resumeBytes) this.admitSenders()
  }

  /** Lets waiting senders in, in order, while their items fit. */
  private admitSenders(): void {
    while (this.senders.length > 0) {
      const pending = this.senders.peek()!
      if (this.latest !== null) {
        if (!this.placeLatest(pending.item, pending.size, true)) break
      } else {
        if (this.items.length >= this.capacity || this.heldBytes + pending.size > this.capacityBytes) break
        this.put(pending.item, pending.size)
      }
      this.senders.shift()
      this.sentCount++
      this.sendWaitCount++
      this.sendWaitTotalMs += this.clock.now() - pending.since
      this.forgetSenderSignal(pending)
      pending.resolve()
    }
  }

  private handOff(item: T): void {
    const receiver = this.receivers.shift()!
    this.forgetReceiverSignal(receiver)
    this.receivedCount++
    if (receiver.mode === MODE_RESULT) receiver.resolve({ value: item, done: false })
    else if (receiver.mode === MODE_VALUE) receiver.resolve(item)
    else receiver.resolve([item])
  }

  /** Closed and drained: every waiting receiver learns there is nothing more. */
  private endReceivers(): void {
    while (this.receivers.length > 0) {
      const receiver = this.receivers.shift()!
      this.forgetReceiverSignal(receiver)
      if (receiver.mode === MODE_RESULT) receiver.resolve(DONE)
      else if (receiver.mode === MODE_BATCH) receiver.resolve([])
      else receiver.reject(new ChannelClosedError())
    }
  }

  private drop(item: T, reason: DropReason): void {
    this.droppedCounts[reason]++
    if (this.onDrop === undefined) return
    try {
      this.onDrop(item, reason)
    } catch (error) {
      // the channel's own state is already consistent; surface the callback's
      // bug the way an event handler's would be, instead of failing this send
      queueMicrotask(() => {
        throw error
      })
    }
  }

  private waitToSend(item: T, size: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    return new Promise<void>((resolve, reject) => {
      const pending: PendingSend<T> = {
        item,
        size,
        since: this.clock.now(),
        resolve,
        reject,
        signal,
        onAbort: undefined,
      }
      if (signal !== undefined) {
        pending.onAbort = () => {
          if (!this.senders.remove(pending)) return
          this.sendWaitTotalMs += this.clock.now() - pending.since
          reject(abortReason(signal))
          // the one that left may have been blocking the head of the line
          this.admitSenders()
          if (this.state === CLOSED && this.depth === 0 && this.senders.length === 0) this.endReceivers()
        }
        signal.addEventListener('abort', pending.onAbort, { once: true })
      }
      this.senders.push(pending)
    })
  }

  private waitToReceive(mode: ReceiveMode, signal: AbortSignal | undefined): Promise<any> {
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    return new Promise((resolve, reject) => {
      const pending: PendingReceive = { mode, resolve, reject, signal, onAbort: undefined }
      if (signal !== undefined) {
        pending.onAbort = () => {
          if (this.receivers.remove(pending)) reject(abortReason(signal))
        }
        signal.addEventListener('abort', pending.onAbort, { once: true })
      }
      this.receivers.push(pending)
    })
  }

  private forgetSenderSignal(pending: PendingSend<T>): void {
    if (pending.onAbort !== undefined) pending.signal!.removeEventListener('abort', pending.onAbort)
  }

  private forgetReceiverSignal(pending: PendingReceive): void {
    if (pending.onAbort !== undefined) pending.signal!.removeEventListener('abort', pending.onAbort)
  }

  private detachSignal(): void {
    if (this.onSignalAbort !== undefined) this.signal!.removeEventListener('abort', this.onSignalAbort)
  }
}
