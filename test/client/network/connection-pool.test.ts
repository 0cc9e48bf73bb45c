import { afterEach, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import { resolveKafkaOptions } from '../../../src/client/client-options.js'
import { ClientClosedError, ConnectionError } from '../../../src/client/errors.js'
import { ConnectionPool } from '../../../src/client/network/connection-pool.js'
import type { SocketFactory } from '../../../src/client/network/dial.js'
import { ManualClock } from '../../../src/flow/manual-clock.js'
import { Apis } from '../../../src/protocol/messages/index.js'

const brokers: RunningBroker[] = []
const pools: ConnectionPool[] = []
afterEach(async () => {
  await Promise.allSettled(pools.splice(0).map((p) => p.close()))
  await Promise.allSettled(brokers.splice(0).map((b) => b.close()))
})

function pool(overrides: Parameters<typeof resolveKafkaOptions>[0], clock?: ManualClock) {
  const options = resolveKafkaOptions({ logger: 'silent', ...overrides }, clock)
  const p = new ConnectionPool({ ...options, random: () => 1 })
  pools.push(p)
  return p
}

describe('ConnectionPool', () => {
  it('waits an exponential backoff between dials to a failing broker, up to the maximum', async () => {
    const clock = new ManualClock()
    const dials: number[] = []
    const refuse: SocketFactory = async () => {
      dials.push(clock.now())
      throw new ConnectionError('refused', '127.0.0.1:1')
    }
    const p = pool(
      { brokers: '127.0.0.1:1', socketFactory: refuse, reconnectBackoffMs: 50, reconnectBackoffMaxMs: 300 },
      clock,
    )
    const address = { host: '127.0.0.1', port: 1 }
    await expect(p.get(address)).rejects.toBeInstanceOf(ConnectionError)
    // random() = 1 takes the top of each jitter range: 50, 100, 200, then the 300 ms cap
    for (const backoff of [50, 100, 200, 300, 300]) {
      expect(p.inBackoff(address)).toBe(true)
      const failedAt = clock.now()
      const attempt = p.get(address).catch((e) => e)
      await clock.advanceAsync(backoff - 1)
      const before = dials.length
      expect(dials.at(-1)).toBeLessThanOrEqual(failedAt)
      await clock.advanceAsync(1)
      expect(dials.length).toBe(before + 1)
      expect(dials.at(-1)).toBe(failedAt + backoff)
      expect(await attempt).toBeInstanceOf(ConnectionError)
    }
  })

  it('opens one connection per broker and lane, shared by concurrent callers', async () => {
    const broker = await startBroker({ port: 0, logger: 'silent' })
    brokers.push(broker)
    let dials = 0
    const counting: SocketFactory = (address, options) => {
      dials++
      return resolveKafkaOptions({ brokers: 'x:1' }).socketFactory(address, options)
    }
    const p = pool({ brokers: broker.bootstrap, socketFactory: counting })
    const address = { host: broker.host, port: broker.port }
    const [a, b] = await Promise.all([p.get(address), p.get(address)])
    expect(a).toBe(b)
    const fetchLane = await p.get(address, 'fetch')
    expect(fetchLane).not.toBe(a)
    expect(dials).toBe(2)
    expect(a.versions?.supports(Apis.Metadata)).toBe(true)
  })

  it('closes connections idle for connectionsMaxIdleMs and reopens on the next use', async () => {
    const broker = await startBroker({ port: 0, logger: 'silent' })
    brokers.push(broker)
    const p = pool({ brokers: broker.bootstrap, connectionsMaxIdleMs: 100 })
    const address = { host: broker.host, port: broker.port }
    const first = await p.get(address)
    const closed = new Promise<Error>((resolve) => first.onClose(resolve))
    expect(await closed).toBeInstanceOf(ClientClosedError)
    expect(p.openConnections()).toHaveLength(0)
    const second = await p.get(address)
    expect(second).not.toBe(first)
    expect(second.isOpen).toBe(true)
  })

  it('close() refuses new gets and leaves no connection open', async () => {
    const broker = await startBroker({ port: 0, logger: 'silent' })
    brokers.push(broker)
    const p = pool({ brokers: broker.bootstrap })
    const connection = await p.get({ host: broker.host, port: broker.port })
    await p.close()
    expect(connection.isOpen).toBe(false)
    await expect(p.get({ host: broker.host, port: broker.port })).rejects.toBeInstanceOf(ClientClosedError)
  })
})
