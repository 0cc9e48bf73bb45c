import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { type BrokerOptions, startBroker } from '../../src/broker/index.js'
import { encodeRequest } from '../../src/protocol/frames.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { capturingLogger, closed } from './support/sasl-client.js'
import { WireClient } from './support/wire-client.js'
import { fetchBody } from './support/wire-helpers.js'

const NO_TOPICS = { topics: null }
const API_VERSIONS_FRAME = encodeRequest(
  Apis.ApiVersions,
  3,
  { correlationId: 1, clientId: 'probe' },
  { clientSoftwareName: 'probe', clientSoftwareVersion: '1' },
)

/**
 * Opens a raw connection (optionally from another loopback address) and
 * sends one ApiVersions: 'served' when bytes come back, 'closed' when the
 * broker closes it first. The socket is returned so the caller can keep it.
 */
function probe(
  bootstrap: string,
  localAddress?: string,
): Promise<{ outcome: 'served' | 'closed'; socket: Socket }> {
  const at = bootstrap.lastIndexOf(':')
  return new Promise((resolve) => {
    const socket = connect({
      host: bootstrap.slice(0, at),
      port: Number(bootstrap.slice(at + 1)),
      localAddress,
    })
    socket.on('error', () => {})
    socket.once('connect', () => socket.write(API_VERSIONS_FRAME))
    socket.once('data', () => resolve({ outcome: 'served', socket }))
    socket.once('close', () => resolve({ outcome: 'closed', socket }))
  })
}

async function withBroker(options: BrokerOptions, fn: (bootstrap: string) => Promise<void>): Promise<void> {
  const broker = await startBroker({ port: 0, logger: 'silent', ...options })
  try {
    await fn(broker.bootstrap)
  } finally {
    await broker.close()
  }
}

describe('connection limits', () => {
  it('closes connections over maxConnections at once, logs once for a burst, and admits again after a close', async () => {
    const log = capturingLogger()
    await withBroker({ logger: log, maxConnections: 3 }, async (bootstrap) => {
      const kept = await Promise.all([1, 2, 3].map(() => probe(bootstrap)))
      expect(kept.map((k) => k.outcome)).toEqual(['served', 'served', 'served'])
      expect((await probe(bootstrap)).outcome).toBe('closed')
      expect((await probe(bootstrap)).outcome).toBe('closed')
      const refusals = log.lines.filter((l) => l.includes('refused connection'))
      expect(refusals).toHaveLength(1)
      expect(refusals[0]).toMatch(
        /^WARN refused connection from 127\.0\.0\.1: 3 connections open, maxConnections is 3$/,
      )
      kept[0].socket.destroy()
      // the slot frees once the broker has seen the close
      let next = await probe(bootstrap)
      while (next.outcome === 'closed') next = await probe(bootstrap)
      next.socket.destroy()
      for (const k of kept) k.socket.destroy()
    })
  })

  it('limits connections per remote address with maxConnectionsPerIp', async () => {
    await withBroker({ maxConnectionsPerIp: 2 }, async (bootstrap) => {
      const a = await probe(bootstrap, '127.0.0.1')
      const b = await probe(bootstrap, '127.0.0.1')
      expect([a.outcome, b.outcome]).toEqual(['served', 'served'])
      expect((await probe(bootstrap, '127.0.0.1')).outcome).toBe('closed')
      // another loopback address has its own count
      const other = await probe(bootstrap, '127.0.0.2')
      expect(other.outcome).toBe('served')
      for (const s of [a, b, other]) s.socket.destroy()
    })
  })

  it('admits 1,100 connections from one address with the default limits', async () => {
    await withBroker({}, async (bootstrap) => {
      const sockets: Socket[] = []
      try {
        for (let batch = 0; batch < 11; batch++) {
          const opened = await Promise.all(Array.from({ length: 100 }, () => probe(bootstrap)))
          for (const o of opened) sockets.push(o.socket)
          expect(opened.filter((o) => o.outcome !== 'served')).toEqual([])
        }
      } finally {
        for (const s of sockets) s.destroy()
      }
    })
  })
})

describe('idle and slow connections', () => {
  it('closes a connection idle for connectionsMaxIdleMs', async () => {
    const log = capturingLogger()
    await withBroker({ logger: log, connectionsMaxIdleMs: 200 }, async (bootstrap) => {
      const client = await WireClient.connect(bootstrap)
      expect((await client.send(Apis.Metadata, 12, NO_TOPICS)).brokers).toHaveLength(1)
      await closed(client)
      expect(log.lines.some((l) => /DEBUG closing connection \d+ .*idle for 200 ms/.test(l))).toBe(true)
    })
  })

  it('does not count a parked long-poll fetch as idle', async () => {
    await withBroker({ connectionsMaxIdleMs: 200 }, async (bootstrap) => {
      const client = await WireClient.connect(bootstrap)
      await client.send(Apis.Metadata, 12, {
        topics: [{ name: 'quiet', topicId: '00000000-0000-0000-0000-000000000000' }],
      })
      // parked for six idle periods with nothing to read; it must be answered, not cut off
      const fetched = await client.send(
        Apis.Fetch,
        12,
        fetchBody('quiet', 0, 0n, { maxWaitMs: 1200, maxBytes: 1024 * 1024 }),
      )
      expect(fetched.responses[0].partitions[0].errorCode).toBe(0)
      await closed(client)
    })
  })

  it('drops a client that leaves a request unfinished for requestReceiveTimeoutMs', async () => {
    const log = capturingLogger()
    await withBroker({ logger: log, requestReceiveTimeoutMs: 200 }, async (bootstrap) => {
      const slow = await WireClient.connect(bootstrap)
      slow.writeRaw(API_VERSIONS_FRAME.subarray(0, 10))
      await closed(slow)
      // a size prefix alone starts the clock too
      const sizeOnly = await WireClient.connect(bootstrap)
      sizeOnly.writeRaw(API_VERSIONS_FRAME.subarray(0, 4))
      await closed(sizeOnly)
      expect(
        log.lines.some((l) => l.includes('a request was not completed within 200 ms of its first byte')),
      ).toBe(true)
    })
  })

  it('serves a request that arrives in pieces within requestReceiveTimeoutMs', async () => {
    await withBroker({ requestReceiveTimeoutMs: 5000 }, async (bootstrap) => {
      const { outcome, socket } = await probe(bootstrap)
      expect(outcome).toBe('served')
      const answered = new Promise<void>((resolve, reject) => {
        socket.once('data', () => resolve())
        socket.once('close', () => reject(new Error('closed')))
      })
      const frame = encodeRequest(Apis.Metadata, 12, { correlationId: 2, clientId: 'slow' }, NO_TOPICS)
      for (const piece of [frame.subarray(0, 3), frame.subarray(3, 9), frame.subarray(9)]) {
        socket.write(piece)
        await sleep(20)
      }
      await answered
      socket.destroy()
    })
  })
})
