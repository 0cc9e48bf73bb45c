import { describe, expect, it } from 'vitest'
import { Channel, type DropReason } from '../../src/flow/channel.js'
import { ChannelClosedError, ChannelFullError } from '../../src/flow/errors.js'
import { ManualClock } from '../../src/flow/manual-clock.js'

/** Lets every queued promise job run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Tracks whether a promise has settled yet, without awaiting it. */
function track<T>(promise: Promise<T>) {
  const state = { done: false, value: undefined as T | undefined, error: undefined as unknown }
  promise.then(
    (value) => {
      state.done = true
      state.value = value
    },
    (error) => {
      state.done = true
      state.error = error
    },
  )
  return state
}

describe('Channel construction', () => {
  it('rejects bad configuration with the reason', () => {
    expect(() => new Channel({ capacity: 0 })).toThrow(/capacity must be a positive integer/)
    expect(() => new Channel({ capacity: 1.5 })).toThrow(RangeError)
    expect(() => new Channel({ capacity: 4, capacityBytes: 100 })).toThrow(/needs a sizeOf/)
    expect(() => new Channel({ capacity: 4, keyOf: (x: number) => x })).toThrow(
      /only applies to overflow 'latest'/,
    )
    expect(() => new Channel({ capacity: 4, overflow: 'bogus' as 'suspend' })).toThrow(
      /overflow must be one of/,
    )
  })
})

describe("Channel 'suspend'", () => {
  it('hands items over in order and makes senders wait for room', async () => {
    const ch = new Channel<number>({ capacity: 2 })
    await ch.send(1)
    await ch.send(2)
    const third = track(ch.send(3))
    const fourth = track(ch.send(4))
    await settle()
    expect(third.done).toBe(false)
    expect(ch.stats()).toMatchObject({ depth: 2, waitingSenders: 2 })
    expect(await ch.receive()).toBe(1)
    await settle()
    // half of the capacity (1) reached: waiting senders are let in while they fit
    expect(third.done).toBe(true)
    expect(fourth.done).toBe(false)
    expect(await ch.receive()).toBe(2)
    await settle()
    expect(fourth.done).toBe(true)
    expect(await ch.receiveBatch(10)).toEqual([3, 4])
  })

  it('lets waiting senders back in only once the channel has drained to half', async () => {
    const ch = new Channel<number>({ capacity: 4 })
    await ch.sendAll([1, 2, 3, 4])
    const fifth = track(ch.send(5))
    await ch.receive()
    await settle()
    expect(fifth.done).toBe(false)
    await ch.receive()
    await settle()
    expect(fifth.done).toBe(true)
    expect(ch.depth).toBe(3)
  })

  it('hands an item straight to a waiting receiver', async () => {
    const ch = new Channel<string>({ capacity: 1 })
    const got = ch.receive()
    expect(ch.trySend('a')).toBe(true)
    expect(await got).toBe('a')
    expect(ch.stats()).toMatchObject({ sent: 1, received: 1, depth: 0, maxDepth: 0 })
  })

  it('trySend reports whether it would have waited', async () => {
    const ch = new Channel<number>({ capacity: 1 })
    expect(ch.trySend(1)).toBe(true)
    expect(ch.trySend(2)).toBe(false)
    expect(ch.stats()).toMatchObject({ sent: 1, depth: 1, rejected: 0 })
  })

  it('bounds bytes as well as items, and refuses an item that can never fit', async () => {
    const ch = new Channel<string>({ capacity: 10, capacityBytes: 10, sizeOf: (s) => s.length })
    await ch.send('aaaa')
    await ch.send('bbbb')
    const big = track(ch.send('cccccc'))
    await settle()
    expect(big.done).toBe(false)
    expect(ch.stats()).toMatchObject({ depth: 2, bytes: 8 })
    expect(await ch.receive()).toBe('aaaa')
    await settle()
    expect(big.done).toBe(true)
    expect(ch.stats()).toMatchObject({ depth: 2, bytes: 10, maxBytes: 10 })
    await expect(ch.send('x'.repeat(11))).rejects.toThrow(/can never fit/)
    expect(() => ch.trySend('x'.repeat(11))).toThrow(RangeError)
  })

  it('times how long senders waited on the injected clock', async () => {
    const clock = new ManualClock()
    const ch = new Channel<number>({ capacity: 1, clock })
    await ch.send(1)
    const waiting = ch.send(2)
    clock.advance(250)
    expect(ch.stats().sendWaitMs).toBe(250)
    await ch.receive()
    await waiting
    clock.advance(100)
    expect(ch.stats()).toMatchObject({ sendWaits: 1, sendWaitMs: 250 })
  })

  it('keeps the order of a waiting sender behind earlier ones even when a smaller item would fit', async () => {
    const ch = new Channel<string>({ capacity: 10, capacityBytes: 10, sizeOf: (s) => s.length })
    await ch.send('123456')
    const big = track(ch.send('abcdefgh'))
    const small = track(ch.send('z'))
    await settle()
    expect(big.done).toBe(false)
    expect(small.done).toBe(false)
    expect(await ch.receive()).toBe('123456')
    expect(await ch.receiveBatch(5)).toEqual(['abcdefgh', 'z'])
  })
})

describe('Channel drop strategies', () => {
  it("'drop-oldest' evicts from the front and reports each eviction", async () => {
    const drops: [number, DropReason][] = []
    const ch = new Channel<number>({
      capacity: 3,
      overflow: 'drop-oldest',
      onDrop: (item, reason) => drops.push([item, reason]),
    })
    for (let i = 1; i <= 5; i++) await ch.send(i)
    expect(drops).toEqual([
      [1, 'oldest'],
      [2, 'oldest'],
    ])
    expect(ch.tryReceiveBatch(10)).toEqual([3, 4, 5])
    expect(ch.stats()).toMatchObject({ sent: 5, received: 3, dropped: { oldest: 2, newest: 0 } })
  })

  it("'drop-oldest' evicts as many as the bytes need", async () => {
    const drops: string[] = []
    const ch = new Channel<string>({
      capacity: 10,
      capacityBytes: 6,
      sizeOf: (s) => s.length,
      overflow: 'drop-oldest',
      onDrop: (item) => drops.push(item),
    })
    for (const s of ['aa', 'bb', 'cc']) await ch.send(s)
    await ch.send('ddddd')
    expect(drops).toEqual(['aa', 'bb', 'cc'])
    expect(ch.stats()).toMatchObject({ depth: 1, bytes: 5 })
  })

  it("'drop-newest' discards the incoming item; trySend still counts as handled", async () => {
    const drops: number[] = []
    const ch = new Channel<number>({
      capacity: 2,
      overflow: 'drop-newest',
      onDrop: (item) => drops.push(item),
    })
    await ch.send(1)
    await ch.send(2)
    await ch.send(3)
    expect(ch.trySend(4)).toBe(true)
    expect(drops).toEqual([3, 4])
    expect(ch.tryReceiveBatch(10)).toEqual([1, 2])
    expect(ch.stats().dropped.newest).toBe(2)
  })

  it("'error' rejects a send with no room, and the item is not counted as sent", async () => {
    const ch = new Channel<number>({ capacity: 1, overflow: 'error' })
    await ch.send(1)
    await expect(ch.send(2)).rejects.toBeInstanceOf(ChannelFullError)
    expect(ch.trySend(2)).toBe(false)
    expect(ch.stats()).toMatchObject({ sent: 1, rejected: 1, depth: 1 })
  })
})

describe("Channel 'latest'", () => {
  it('keeps only the newest item without a key', async () => {
    const dropped: number[] = []
    const ch = new Channel<number>({ capacity: 8, overflow: 'latest', onDrop: (item) => dropped.push(item) })
    for (let i = 1; i <= 4; i++) expect(ch.trySend(i)).toBe(true)
    expect(ch.depth).toBe(1)
    expect(await ch.receive()).toBe(4)
    expect(dropped).toEqual([1, 2, 3])
    expect(ch.stats().dropped.conflated).toBe(3)
  })

  it('keeps the newest per key, in the place the key first took', async () => {
    const ch = new Channel<{ sensor: string; value: number }>({
      capacity: 3,
      overflow: 'latest',
      keyOf: (r) => r.sensor,
    })
    ch.trySend({ sensor: 'a', value: 1 })
    ch.trySend({ sensor: 'b', value: 1 })
    ch.trySend({ sensor: 'a', value: 2 })
    ch.trySend({ sensor: 'c', value: 1 })
    ch.trySend({ sensor: 'b', value: 2 })
    expect(ch.tryReceiveBatch(10)).toEqual([
      { sensor: 'a', value: 2 },
      { sensor: 'b', value: 2 },
      { sensor: 'c', value: 1 },
    ])
  })

  it('makes a new key wait when every slot holds another key', async () => {
    const ch = new Channel<[string, number]>({ capacity: 2, overflow: 'latest', keyOf: (r) => r[0] })
    await ch.send(['a', 1])
    await ch.send(['b', 1])
    expect(ch.trySend(['c', 1])).toBe(false)
    const c = track(ch.send(['c', 1]))
    // a key already held is replaced even while a new key waits
    expect(ch.trySend(['a', 2])).toBe(true)
    await settle()
    expect(c.done).toBe(false)
    expect(await ch.receive()).toEqual(['a', 2])
    await settle()
    expect(c.done).toBe(true)
    expect(ch.tryReceiveBatch(10)).toEqual([
      ['b', 1],
      ['c', 1],
    ])
  })

  it('supersedes an item whose newer value no longer fits in its bytes', async () => {
    const dropped: string[] = []
    const ch = new Channel<string>({
      capacity: 4,
      capacityBytes: 6,
      sizeOf: (s) => s.length,
      overflow: 'latest',
      keyOf: (s) => s[0],
      onDrop: (item) => dropped.push(item),
    })
    await ch.send('a1')
    await ch.send('b12')
    // 'a' grows from 2 to 4 bytes: 3 + 4 > 6, so the old 'a' goes and the new one waits its turn
    const grown = track(ch.send('a123'))
    await settle()
    expect(dropped).toEqual(['a1'])
    expect(grown.done).toBe(false)
    expect(await ch.receive()).toBe('b12')
    await settle()
    expect(grown.done).toBe(true)
    expect(await ch.receive()).toBe('a123')
  })
})

describe('Channel close and abort', () => {
  it('close lets receivers drain, including waiting senders, then ends iteration', async () => {
    const ch = new Channel<number>({ capacity: 2 })
    await ch.sendAll([1, 2])
    const third = ch.send(3)
    ch.close()
    await expect(ch.send(4)).rejects.toBeInstanceOf(ChannelClosedError)
    expect(() => ch.trySend(4)).toThrow(ChannelClosedError)
    const seen: number[] = []
    for await (const item of ch) seen.push(item)
    await third
    expect(seen).toEqual([1, 2, 3])
    await expect(ch.receive()).rejects.toBeInstanceOf(ChannelClosedError)
    expect(await ch.receiveBatch(5)).toEqual([])
    expect(ch.closed).toBe(true)
  })

  it('close ends receivers already waiting', async () => {
    const ch = new Channel<number>({ capacity: 2 })
    const one = ch.receive()
    const batch = ch.receiveBatch(4)
    const iterator = ch[Symbol.asyncIterator]()
    const next = iterator.next()
    ch.close()
    await expect(one).rejects.toBeInstanceOf(ChannelClosedError)
    expect(await batch).toEqual([])
    expect(await next).toEqual({ value: undefined, done: true })
  })

  it('abort drops what is held, reports it, and rejects waiters and later calls with the reason', async () => {
    const dropped: [number, DropReason][] = []
    const controller = new AbortController()
    const ch = new Channel<number>({
      capacity: 2,
      signal: controller.signal,
      onDrop: (item, reason) => dropped.push([item, reason]),
    })
    await ch.sendAll([1, 2])
    const waiting = ch.send(3)
    const reason = new Error('shutting down')
    controller.abort(reason)
    await expect(waiting).rejects.toBe(reason)
    await expect(ch.send(4)).rejects.toBe(reason)
    await expect(ch.receive()).rejects.toBe(reason)
    await expect(ch[Symbol.asyncIterator]().next()).rejects.toBe(reason)
    expect(dropped).toEqual([
      [1, 'aborted'],
      [2, 'aborted'],
    ])
    expect(ch.stats()).toMatchObject({ sent: 2, received: 0, depth: 0, dropped: { aborted: 2 } })
  })

  it('an aborted receiver does not swallow the next item', async () => {
    const ch = new Channel<number>({ capacity: 2 })
    const controller = new AbortController()
    const gaveUp = ch.receive({ signal: controller.signal })
    controller.abort()
    await expect(gaveUp).rejects.toMatchObject({ name: 'AbortError' })
    await ch.send(7)
    expect(await ch.receive()).toBe(7)
  })

  it('an aborted sender leaves the line and does not send', async () => {
    const ch = new Channel<number>({ capacity: 1 })
    await ch.send(1)
    const controller = new AbortController()
    const gaveUp = ch.send(2, { signal: controller.signal })
    const after = ch.send(3)
    controller.abort(new Error('nope'))
    await expect(gaveUp).rejects.toThrow('nope')
    expect(await ch.receive()).toBe(1)
    await after
    expect(await ch.receive()).toBe(3)
    expect(ch.stats()).toMatchObject({ sent: 2, received: 2, waitingSenders: 0 })
  })

  it('leaving a for-await loop early keeps the channel open', async () => {
    const ch = new Channel<number>({ capacity: 4 })
    await ch.sendAll([1, 2, 3])
    for await (const item of ch) {
      if (item === 1) break
    }
    expect(ch.closed).toBe(false)
    expect(ch.tryReceiveBatch(4)).toEqual([2, 3])
  })
})

describe('Channel batches', () => {
  it('receiveBatch waits for the first item only, and refills from waiting senders', async () => {
    const ch = new Channel<number>({ capacity: 2 })
    const pending = ch.receiveBatch(10)
    await ch.send(1)
    expect(await pending).toEqual([1])
    await ch.sendAll([2, 3])
    const more = [ch.send(4), ch.send(5)]
    // takes the two held, then lets the waiting senders in and takes theirs too
    expect(await ch.receiveBatch(10)).toEqual([2, 3, 4, 5])
    await Promise.all(more)
  })

  it('batches() iterates arrays until closed', async () => {
    const ch = new Channel<number>({ capacity: 100 })
    await ch.sendAll([1, 2, 3, 4, 5])
    ch.close()
    const out: number[][] = []
    for await (const b of ch.batches(2)) out.push(b)
    expect(out).toEqual([[1, 2], [3, 4], [5]])
  })
})
