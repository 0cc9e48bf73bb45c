import { describe, expect, it } from 'vitest'
import { batch } from '../../src/flow/batch.js'
import { Channel } from '../../src/flow/channel.js'
import { ManualClock } from '../../src/flow/manual-clock.js'

function track<T>(promise: Promise<T>) {
  const state = { done: false, value: undefined as T | undefined }
  promise.then((value) => {
    state.done = true
    state.value = value
  })
  return state
}

describe('batch (fake clock)', () => {
  it('emits when the oldest item has waited maxWaitMs, counted from that item', async () => {
    const clock = new ManualClock()
    const ch = new Channel<number>({ capacity: 100 })
    const batches = batch(ch, { maxItems: 3, maxWaitMs: 50, clock })
    const first = track(batches.next())
    await ch.send(1)
    await clock.advanceAsync(20)
    await ch.send(2)
    await clock.advanceAsync(29)
    expect(first.done).toBe(false)
    await clock.advanceAsync(1)
    expect(first.value).toEqual({ value: [1, 2], done: false })
    expect(clock.now()).toBe(50)

    // nothing waiting: no timer runs until the next item arrives
    await clock.advanceAsync(500)
    const second = track(batches.next())
    await ch.send(3)
    await clock.advanceAsync(49)
    expect(second.done).toBe(false)
    await clock.advanceAsync(1)
    expect(second.value).toEqual({ value: [3], done: false })
    await batches.return()
  })

  it('emits at once when full, without waiting for the timer', async () => {
    const clock = new ManualClock()
    const ch = new Channel<number>({ capacity: 100 })
    await ch.sendAll([1, 2, 3, 4, 5, 6, 7])
    ch.close()
    const out: number[][] = []
    for await (const b of batch(ch, { maxItems: 3, maxWaitMs: 1000, clock })) out.push(b)
    expect(out).toEqual([[1, 2, 3], [4, 5, 6], [7]])
    expect(clock.now()).toBe(0)
  })

  it('splits by bytes: an item that would overflow starts the next batch, an oversized one goes alone', async () => {
    const words = ['aaa', 'bb', 'c', 'dddd', 'eeeeeeeee', 'f']
    const out: string[][] = []
    for await (const b of batch(words, {
      maxItems: 10,
      maxBytes: 6,
      sizeOf: (s) => s.length,
      maxWaitMs: 10,
    })) {
      out.push(b)
    }
    expect(out).toEqual([['aaa', 'bb', 'c'], ['dddd'], ['eeeeeeeee'], ['f']])
  })

  it('batches any async iterable and emits the rest when it ends', async () => {
    async function* numbers() {
      for (let i = 0; i < 5; i++) yield i
    }
    const out: number[][] = []
    for await (const b of batch(numbers(), { maxItems: 2, maxWaitMs: 10 })) out.push(b)
    expect(out).toEqual([[0, 1], [2, 3], [4]])
  })

  it('a timeout does not lose the read that lost the race', async () => {
    const clock = new ManualClock()
    const ch = new Channel<number>({ capacity: 10 })
    const batches = batch(ch, { maxItems: 10, maxWaitMs: 5, clock })
    const first = batches.next()
    await ch.send(1)
    await clock.advanceAsync(5)
    expect(await first).toEqual({ value: [1], done: false })
    // the receive started while the first batch was open is still the one waiting
    const second = batches.next()
    await ch.send(2)
    ch.close()
    expect(await second).toEqual({ value: [2], done: false })
    expect(await batches.next()).toEqual({ value: undefined, done: true })
  })

  it('emits what it holds before passing on a source error', async () => {
    const clock = new ManualClock()
    async function* failing() {
      yield 1
      yield 2
      throw new Error('source broke')
    }
    const batches = batch(failing(), { maxItems: 10, maxWaitMs: 1000, clock })
    expect(await batches.next()).toEqual({ value: [1, 2], done: false })
    await expect(batches.next()).rejects.toThrow('source broke')
  })

  it('leaving early stops reading the channel, so later items stay there', async () => {
    const ch = new Channel<number>({ capacity: 10 })
    await ch.send(1)
    for await (const b of batch(ch, { maxItems: 1, maxWaitMs: 10 })) {
      expect(b).toEqual([1])
      break
    }
    await ch.send(2)
    expect(ch.tryReceive()).toBe(2)
  })

  it('gives up the read it kept after a timeout when the consumer leaves', async () => {
    const clock = new ManualClock()
    const ch = new Channel<number>({ capacity: 10 })
    const batches = batch(ch, { maxItems: 5, maxWaitMs: 10, clock })
    const first = batches.next()
    await ch.send(1)
    await clock.advanceAsync(10)
    expect(await first).toEqual({ value: [1], done: false })
    // the read that lost to the timer is still waiting on the channel...
    expect(ch.stats().waitingReceivers).toBe(1)
    await batches.return()
    // ...until the consumer leaves; then the next item stays in the channel
    expect(ch.stats().waitingReceivers).toBe(0)
    await ch.send(2)
    expect(ch.tryReceive()).toBe(2)
  })

  it('refuses bad options', async () => {
    await expect(batch([1], { maxItems: 0, maxWaitMs: 1 }).next()).rejects.toThrow(/maxItems/)
    await expect(batch([1], { maxItems: 1, maxWaitMs: -1 }).next()).rejects.toThrow(/maxWaitMs/)
    await expect(batch([1], { maxItems: 1, maxWaitMs: 1, maxBytes: 5 }).next()).rejects.toThrow(/sizeOf/)
  })
})
