import { describe, expect, it } from 'vitest'
import * as flow from '../../src/flow/index.js'

describe('sluice/flow entry point', () => {
  it('exports the primitives under the names the API promises', () => {
    const exported = new Map<string, unknown>(Object.entries(flow))
    for (const name of [
      'Channel',
      'Watermarks',
      'RateLimiter',
      'KeyedExecutor',
      'ConcurrencyLimiter',
      'AdaptiveConcurrency',
      'AimdLimit',
      'GradientLimit',
      'CircuitBreaker',
      'ManualClock',
      'ChannelClosedError',
      'ChannelFullError',
      'CircuitOpenError',
    ] as const) {
      expect(typeof exported.get(name), name).toBe('function')
    }
    for (const name of ['batch', 'retry', 'backoffDelay', 'sleep'] as const) {
      expect(typeof exported.get(name), name).toBe('function')
    }
    expect(typeof flow.systemClock.now()).toBe('number')
  })

  it('pieces compose: a rate-limited producer feeding a channel read in batches', async () => {
    const clock = new flow.ManualClock()
    const limiter = new flow.RateLimiter({ perSecond: 100, burst: 1, clock })
    const ch = new flow.Channel<number>({ capacity: 4 })
    const producing = (async () => {
      for (let i = 0; i < 10; i++) {
        await limiter.acquire()
        await ch.send(i)
      }
      ch.close()
    })()
    const batches: number[][] = []
    const consuming = (async () => {
      for await (const b of flow.batch(ch, { maxItems: 3, maxWaitMs: 25, clock })) batches.push(b)
    })()
    await clock.advanceAsync(1000)
    await Promise.all([producing, consuming])
    expect(batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    // an item every 10 ms: batches fill (3 items) before their 25 ms are up
    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1])
  })
})
