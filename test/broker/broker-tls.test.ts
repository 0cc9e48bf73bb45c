import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrokerOptions, type RunningBroker, startBroker } from '../../src/broker/index.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { capturingLogger, closed, saslLogin } from './support/sasl-client.js'
import { WireClient } from './support/wire-client.js'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url))
const SERVER = { key: fixture('server.key'), cert: fixture('server.pem') }
const CA = fixture('ca.pem')
const CLIENT = { cert: fixture('client.pem'), key: fixture('client.key') }
const ROGUE = { cert: fixture('rogue-client.pem'), key: fixture('rogue-client.key') }
const NO_TOPICS = { topics: null }

/** Resolves with the error a TLS connection attempt ends in, or null when it can talk to the broker. */
async function tlsOutcome(bootstrap: string, options: Record<string, unknown>): Promise<string | null> {
  try {
    const client = await WireClient.connect(bootstrap, { ca: CA, ...options })
    // with TLS 1.3 a refused client certificate shows only on the first read
    await client.send(Apis.Metadata, 12, NO_TOPICS)
    await client.close()
    return null
  } catch (err) {
    return (err as Error).message
  }
}

describe('TLS listener', () => {
  const brokers: RunningBroker[] = []
  const start = async (options: BrokerOptions) => {
    const broker = await startBroker({ port: 0, logger: 'silent', ...options })
    brokers.push(broker)
    return broker
  }
  afterAll(async () => {
    await Promise.all(brokers.map((b) => b.close()))
  })

  it('serves clients that trust its CA, and only over TLS', async () => {
    const broker = await start({ tls: SERVER })
    expect(await tlsOutcome(broker.bootstrap, {})).toBeNull()
    // localhost is in the certificate too
    expect(await tlsOutcome(`localhost:${broker.port}`, {})).toBeNull()
    expect(await tlsOutcome(broker.bootstrap, { ca: undefined })).toMatch(/certificate/)
    // a plain-text Kafka client gets nowhere
    const plain = await WireClient.connect(broker.bootstrap)
    await expect(
      plain.send(Apis.ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }),
    ).rejects.toThrow()
  })

  it('requires a client certificate signed by its CA when given one (mutual TLS)', async () => {
    const log = capturingLogger()
    const broker = await start({ tls: { ...SERVER, ca: CA }, logger: log })
    expect(await tlsOutcome(broker.bootstrap, CLIENT)).toBeNull()
    expect(await tlsOutcome(broker.bootstrap, ROGUE)).not.toBeNull()
    // the broker logs why (the line may follow the client's error by a moment)
    while (!log.lines.some((l) => l.startsWith('INFO refused a client certificate'))) await sleep(10)
    expect(log.lines.find((l) => l.includes('refused a client certificate'))).toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
    )
    expect(await tlsOutcome(broker.bootstrap, {})).not.toBeNull()
  })

  it('serves clients without certificates when requestCert is false', async () => {
    const broker = await start({ tls: { ...SERVER, ca: CA, requestCert: false } })
    expect(await tlsOutcome(broker.bootstrap, {})).toBeNull()
  })

  it('drops a connection that never finishes its TLS handshake', async () => {
    const broker = await start({ tls: SERVER, requestReceiveTimeoutMs: 300 })
    const socket = connect({ host: '127.0.0.1', port: broker.port })
    socket.on('error', () => {})
    // a TCP connection that sends no ClientHello
    await new Promise((resolve) => socket.once('close', resolve))
  })

  it('applies connection limits before the TLS handshake', async () => {
    const broker = await start({ tls: SERVER, maxConnections: 1 })
    const first = await WireClient.connect(broker.bootstrap, { ca: CA })
    const second = connect({ host: '127.0.0.1', port: broker.port })
    second.on('error', () => {})
    await new Promise((resolve) => second.once('close', resolve))
    expect((await first.send(Apis.Metadata, 12, NO_TOPICS)).brokers).toHaveLength(1)
    await first.close()
  })
})

describe('SASL over TLS (SASL_SSL)', () => {
  let broker: RunningBroker
  const log = capturingLogger()
  beforeAll(async () => {
    broker = await startBroker({
      port: 0,
      logger: log,
      tls: SERVER,
      users: [
        { name: 'alice', password: 'alice-secret', mechanism: 'PLAIN' },
        { name: 'carol', password: 'carol-secret', mechanism: 'SCRAM-SHA-512' },
      ],
      failedAuthenticationDelayMs: 0,
    })
  })
  afterAll(async () => {
    await broker.close()
  })

  for (const [mechanism, user, password] of [
    ['PLAIN', 'alice', 'alice-secret'],
    ['SCRAM-SHA-512', 'carol', 'carol-secret'],
  ] as const) {
    it(`logs in with ${mechanism} and serves requests`, async () => {
      const client = await WireClient.connect(broker.bootstrap, { ca: CA })
      expect((await saslLogin(client, mechanism, user, password)).errorCode).toBe(0)
      expect((await client.send(Apis.Metadata, 12, NO_TOPICS)).brokers).toHaveLength(1)
      await client.close()
    })
  }

  it('still closes a connection that skips the login', async () => {
    const client = await WireClient.connect(broker.bootstrap, { ca: CA })
    await expect(client.send(Apis.Metadata, 12, NO_TOPICS)).rejects.toThrow(/closed/)
    await closed(client)
  })
})
