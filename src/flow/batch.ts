import { Channel } from './channel.js'
import { type Clock, systemClock, type TimerHandle } from './clock.js'

export interface BatchOptions<T> {
  /** A batch is emitted as soon as it holds this many items. */
  maxItems: number
  /** ...or this many bytes (by `sizeOf`); an item that would overflow it starts the next batch. */
  maxBytes?: number
  sizeOf?: (item: T) => number
  /** ...or when its oldest item has waited this long. */
  maxWaitMs: number
  clock?: Clock
}

const TIMEOUT = Symbol('timeout')

/**
 * Groups a stream of items into arrays, emitting a batch when it is full (by
 * count or bytes) or when its oldest item has waited `maxWaitMs`, whichever
 * comes first; what is left is emitted when the source ends (and before a
 * source error is thrown). A batch is never empty.
 *
 * While a batch is open, the next item is awaited in a race with the
 * oldest item's deadline; the losing read is not cancelled but kept for the
 * next round, so no item is ever read and then lost. A Channel source is read
 * in chunks (`receiveBatch`) rather than item by item.
 */
export async function* batch<T>(
  source: AsyncIterable<T> | Iterable<T>,
  options: BatchOptions<T>,
): AsyncGenerator<T[], void, undefined> {
  const { maxItems, maxWaitMs, sizeOf } = options
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
  const clock = options.clock ?? systemClock
  if (!Number.isSafeInteger(maxItems) || maxItems < 1) {
    throw new RangeError(`batch maxItems must be a positive integer, got ${maxItems}`)
  }
  if (!(maxWaitMs >= 0)) throw new RangeError(`batch maxWaitMs must be >= 0, got ${maxWaitMs}`)
  if (options.maxBytes !== undefined) {
    if (!(maxBytes > 0)) throw new RangeError(`batch maxBytes must be positive, got ${maxBytes}`)
    if (sizeOf === undefined) throw new TypeError('batch maxBytes needs a sizeOf function')
  }

  const reader = chunkReader(source, maxItems)
  let current: T[] = []
  let bytes = 0
  let timer: TimerHandle | undefined
  let deadline: Promise<typeof TIMEOUT> | undefined
  let pending: Promise<T[]> | undefined
  let ended = false

  const startDeadline = () => {
    deadline = new Promise((resolve) => {
      timer = clock.setTimeout(() => resolve(TIMEOUT), maxWaitMs)
    })
  }
  const flush = (): T[] => {
    const out = current
    current = []
    bytes = 0
    if (timer !== undefined) clock.clearTimeout(timer)
    timer = undefined
    deadline = undefined
    return out
  }

  try {
    for (;;) {
      let chunk: T[] | typeof TIMEOUT
      try {
        pending ??= reader.read()
        chunk = current.length === 0 ? await pending : await Promise.race([pending, deadline!])
      } catch (error) {
        pending = undefined
        ended = true
        if (current.length > 0) yield flush()
        throw error
      }
      if (chunk === TIMEOUT) {
        yield flush()
        continue
      }
      pending = undefined
      if (chunk.length === 0) {
        ended = true
        break
      }
      for (let i = 0; i < chunk.length; i++) {
        const item = chunk[i]
        const size = sizeOf === undefined ? 0 : sizeOf(item)
        if (current.length > 0 && bytes + size > maxBytes) yield flush()
        if (current.length === 0) startDeadline()
        current.push(item)
        bytes += size
        if (current.length >= maxItems || bytes >= maxBytes) yield flush()
      }
    }
    if (current.length > 0) yield flush()
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer)
    // a read still in flight when the consumer leaves has nobody to report to
    pending?.catch(() => {})
    if (!ended) await reader.cancel()
  }
}

interface ChunkReader<T> {
  /** The next items, at least one; an empty array when the source has ended. */
  read(): Promise<T[]>
  cancel(): Promise<void>
}

function chunkReader<T>(source: AsyncIterable<T> | Iterable<T>, maxItems: number): ChunkReader<T> {
  if (source instanceof Channel) {
    const channel = source as Channel<T>
    let controller: AbortController | undefined
    return {
      read: () => {
        // the channel hands over whatever it holds at once, so a batch fills
        // without a promise turn per item
        const ready = channel.tryReceiveBatch(maxItems)
        if (ready.length > 0) return Promise.resolve(ready)
        controller = new AbortController()
        return channel.receiveBatch(maxItems, { signal: controller.signal })
      },
      cancel: async () => controller?.abort(),
    }
  }
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : toAsync((source as Iterable<T>)[Symbol.iterator]())
  return {
    read: () => iterator.next().then((result) => (result.done ? [] : [result.value])),
    cancel: async () => {
      await iterator.return?.()
    },
  }
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return {
    next: () => Promise.resolve(iterator.next()),
    return: () => Promise.resolve(iterator.return?.() ?? { value: undefined, done: true }),
  }
}
