import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../../src/broker/index.js'
import type { SocketFactory } from '../../../src/client/network/dial.js'
import { BootstrapError, ConnectionError } from '../../../src/index.js'
import { ClientHarness } from '../support/client-for.js'

const clients = new ClientHarness()
const brokers: RunningBroker[] = []
const servers: Server[] = []
afterEach(async () => {
  await clients.closeAll()
  await Promise.allSettled(brokers.splice(0).map((b) => b.close()))
  await Promise.allSettled(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

/** A port on 127.0.0.1 where nothing listens: bound, then released. */
async function refusedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A server that accepts and then says nothing, as a wedged broker would. */
async function silentServer(): Promise<number> {
  // resume(): a socket that never reads never sees the client hang up, and close() would wait for it
  const server = createServer((socket) => socket.resume())
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as { port: number }).port
}

describe('bootstrap', () => {
  it('fails after connectionTimeoutMs naming each address and what it did', async () => {
    const refused = await refusedPort()
    // stands for a host that never answers: the dial hangs until the timeout aborts it
    const hanging: SocketFactory = (address, { signal }) =>
      address.port === 9
        ? new Promise((_, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
          )
        : clients.kafka({ brokers: 'x:1' }).options.socketFactory(address, { ssl: undefined, signal })
    const admin = clients.admin({
      brokers: [`127.0.0.1:${refused}`, '127.0.0.1:9'],
      connectionTimeoutMs: 400,
      socketFactory: hanging,
    })
    const started = Date.now()
    const error = await admin.listTopics().catch((e) => e)
    const elapsed = Date.now() - started
    expect(error).toBeInstanceOf(BootstrapError)
    expect(error.message).toMatch(/^no bootstrap broker reachable within 400 ms: /)
    expect(error.attempts.map((a: { address: string }) => a.address)).toEqual([
      `127.0.0.1:${refused}`,
      '127.0.0.1:9',
    ])
    expect(error.attempts[0].error.message).toMatch(/ECONNREFUSED/)
    expect(error.attempts[1].error).toBeInstanceOf(ConnectionError)
    expect(elapsed).toBeGreaterThanOrEqual(390)
  })

  it('skips dead and silent addresses and bootstraps from a live one', async () => {
    const broker = await startBroker({ port: 0, logger: 'silent' })
    brokers.push(broker)
    const admin = clients.admin({
      brokers: [`127.0.0.1:${await refusedPort()}`, `127.0.0.1:${await silentServer()}`, broker.bootstrap],
      requestTimeoutMs: 300,
    })
    expect((await admin.describeCluster()).brokers.map((b) => b.port)).toEqual([broker.port])
  })

  it('gives up on a server that does not speak Kafka and tries the next', async () => {
    const http = createServer((socket) => socket.resume().end('HTTP/1.1 400 Bad Request\r\n\r\n'))
    servers.push(http)
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const port = (http.address() as { port: number }).port
    const broker = await startBroker({ port: 0, logger: 'silent' })
    brokers.push(broker)
    const admin = clients.admin({ brokers: [`127.0.0.1:${port}`, broker.bootstrap] })
    expect((await admin.describeCluster()).brokers).toHaveLength(1)
  })
})
