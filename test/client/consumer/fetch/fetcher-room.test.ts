import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/client/cluster/cluster.js'
import { Fetcher, type FetcherHost } from '../../../../src/client/consumer/fetch/fetcher.js'
import { BufferUsage, PartitionState } from '../../../../src/client/consumer/fetch/partition-state.js'
import { consoleLogger } from '../../../../src/client/logger.js'
import { systemClock } from '../../../../src/flow/clock.js'

/**
 * Under `drop-oldest` / `drop-newest` a partition stays fetchable while the
 * consumer-wide budget is full (it drops instead of pausing). The fetcher
 * then had no room: each loop ended at once and its end woke the fetcher
 * again, a microtask loop that kept timers and sockets from ever running (the
 * demo froze after removing a consumer under drop-oldest).
 */
describe('Fetcher with the consumer-wide budget used up', () => {
  function setUp() {
    const usage = new BufferUsage(1024, 1_000)
    const state = new PartitionState(
      'orders',
      0,
      usage,
      'drop-oldest',
      { bytes: 1 << 20, records: 1_000 },
      systemClock,
      () => {},
    )
    state.reset(0)
    usage.bytes = 1024
    let lookups = 0
    let connections = 0
    const host: FetcherHost = {
      partitions: () => {
        // a spinning fetcher asks for the partitions again and again without yielding: stop it
        // after many asks (so the test fails instead of hanging) by offering nothing to fetch
        lookups++
        return lookups > 10_000 ? [] : [state]
      },
      fetched: () => {},
      outOfRange: () => {},
      error: () => {},
    }
    const cluster = {
      metadata: { topic: () => ({ partitions: [{ leaderId: 1, leaderEpoch: 0 }] }) },
      retry: { delay: () => 10 },
      connectionTo: () => {
        connections++
        return Promise.reject(new Error('no broker in this test'))
      },
      recover: () => {},
    } as unknown as Cluster
    const settings = {
      minBytes: 1,
      maxWaitMs: 100,
      maxBytes: 1 << 20,
      partitionMaxBytes: 1 << 20,
      isolationLevel: 0 as const,
    }
    const fetcher = new Fetcher(cluster, host, usage, settings, systemClock, consoleLogger('silent', 'test'))
    return { usage, state, fetcher, lookups: () => lookups, connections: () => connections }
  }

  it('waits for room without spinning, and fetches once records make some', async () => {
    const { usage, state, fetcher, lookups, connections } = setUp()
    expect(state.fetchable).toBe(true)
    fetcher.wake()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(lookups()).toBeLessThan(10)
    expect(connections()).toBe(0)
    // no room yet: nothing starts
    fetcher.roomFreed()
    expect(connections()).toBe(0)
    usage.bytes = 0
    fetcher.roomFreed()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(connections()).toBeGreaterThan(0)
    await fetcher.stop()
  })
})
