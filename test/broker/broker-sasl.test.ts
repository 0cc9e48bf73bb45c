import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../src/broker/index.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { ManualClock } from './log/support/manual-clock.js'
import {
  capturingLogger,
  closed,
  plainToken,
  RawSaslSocket,
  ScramClient,
  saslLogin,
} from './support/sasl-client.js'
import { WireClient } from './support/wire-client.js'

const USERS = [
  { name: 'alice', password: 'alice-secret', mechanism: 'PLAIN' },
  { name: 'bob', password: 'bob-secret', mechanism: 'SCRAM-SHA-256' },
  { name: 'carol', password: 'carol-secret', mechanism: 'SCRAM-SHA-512' },
] as const

const PASSWORDS: Record<string, string> = { alice: 'alice-secret', bob: 'bob-secret', carol: 'carol-secret' }

const NO_TOPICS = { topics: null }

describe('SASL authentication on the wire', () => {
  let broker: RunningBroker
  const log = capturingLogger()

  beforeAll(async () => {
    broker = await startBroker({
      port: 0,
      logger: log,
      users: USERS,
      // failed logins are answered at once here; the delay has its own test below
      failedAuthenticationDelayMs: 0,
      maxFailedAuthenticationsPerIp: 0,
      saslMaxReceiveBytes: 4096,
    })
  })
  afterAll(async () => {
    await broker.close()
  })

  it('answers ApiVersions before a login and lists the SASL APIs', async () => {
    const client = await WireClient.connect(broker.bootstrap)
    const r = await client.send(Apis.ApiVersions, 3, {
      clientSoftwareName: 'test',
      clientSoftwareVersion: '1',
    })
    const keys = new Map(r.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]))
    expect(keys.get(Apis.SaslHandshake.key)).toEqual([0, 1])
    expect(keys.get(Apis.SaslAuthenticate.key)).toEqual([0, 2])
    await client.close()
  })

  it('closes a connection that asks for anything else before it logs in, and logs why', async () => {
    const client = await WireClient.connect(broker.bootstrap)
    await expect(client.send(Apis.Metadata, 12, NO_TOPICS)).rejects.toThrow(/closed/)
    expect(
      log.lines.some((l) =>
        /WARN closing connection \d+ .*Metadata request before SASL authentication/.test(l),
      ),
    ).toBe(true)
  })

  for (const { name, mechanism } of USERS) {
    for (const version of [0, 1, 2]) {
      it(`logs ${name} in with ${mechanism} over SaslAuthenticate v${version}, then serves requests`, async () => {
        const client = await WireClient.connect(broker.bootstrap)
        const answer = await saslLogin(client, mechanism, name, PASSWORDS[name], version)
        expect(answer.errorCode).toBe(ErrorCode.NONE)
        if (version >= 1) expect(answer.sessionLifetimeMs).toBe(0n)
        expect((await client.send(Apis.Metadata, 12, NO_TOPICS)).brokers).toHaveLength(1)
        await client.close()
      })
    }
  }

  it('answers a second handshake after the login with ILLEGAL_SASL_STATE and keeps the connection', async () => {
    const client = await WireClient.connect(broker.bootstrap)
    await saslLogin(client, 'PLAIN', 'alice', 'alice-secret')
    expect(await client.send(Apis.SaslHandshake, 1, { mechanism: 'PLAIN' })).toEqual({
      errorCode: ErrorCode.ILLEGAL_SASL_STATE,
      mechanisms: [],
    })
    const again = await client.send(Apis.SaslAuthenticate, 2, {
      authBytes: plainToken('alice', 'alice-secret'),
    })
    expect(again.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE)
    expect((await client.send(Apis.Metadata, 12, NO_TOPICS)).brokers).toHaveLength(1)
    await client.close()
  })

  it('refuses a mechanism nobody has with the enabled list, then closes', async () => {
    const client = await WireClient.connect(broker.bootstrap)
    const r = await client.send(Apis.SaslHandshake, 1, { mechanism: 'GSSAPI' })
    expect(r).toEqual({
      errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
      mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
    })
    await closed(client)
  })

  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    it(`answers a wrong ${mechanism} password and an unknown user alike, closes, and logs no password`, async () => {
      const user = USERS.find((u) => u.mechanism === mechanism)!.name
      const messages: (string | null)[] = []
      for (const [name, password] of [
        [user, 'WRONG-pw-123'],
        ['nobody', 'WRONG-pw-456'],
      ]) {
        const client = await WireClient.connect(broker.bootstrap)
        const answer = await saslLogin(client, mechanism, name, password)
        expect(answer.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED)
        messages.push(answer.errorMessage)
        await closed(client)
      }
      expect(messages[0]).toBe(messages[1])
      expect(messages[0]).toMatch(/^Authentication failed/)
      const line = log.lines.find((l) => l.includes(`user "${user}" with ${mechanism}`))
      expect(line).toMatch(/^WARN authentication failed for user .* from 127\.0\.0\.1:\d+: wrong password$/)
      expect(log.lines.join('\n')).not.toMatch(/WRONG-pw/)
    })
  }

  it('closes a connection whose SaslAuthenticate comes before any handshake', async () => {
    const client = await WireClient.connect(broker.bootstrap)
    const r = await client.send(Apis.SaslAuthenticate, 2, { authBytes: plainToken('alice', 'alice-secret') })
    expect(r.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE)
    await closed(client)
  })

  it('closes a connection that sends a second handshake in the middle of a login', async () => {
    const client = await WireClient.connect(broker.bootstrap)
    await client.send(Apis.SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' })
    const r = await client.send(Apis.SaslHandshake, 1, { mechanism: 'PLAIN' })
    expect(r.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE)
    await closed(client)
  })

  it('refuses a frame over saslMaxReceiveBytes before the login, as soon as its size arrives', async () => {
    const client = await WireClient.connect(broker.bootstrap)
    const size = Buffer.alloc(4)
    size.writeInt32BE(8192)
    client.writeRaw(size)
    await closed(client)
    // the same size is fine once logged in
    const other = await WireClient.connect(broker.bootstrap)
    await saslLogin(other, 'PLAIN', 'alice', 'alice-secret')
    const big = await other.send(Apis.Metadata, 12, {
      topics: [{ name: 'x'.repeat(6000), topicId: '00000000-0000-0000-0000-000000000000' }],
      allowAutoTopicCreation: false,
    })
    expect(big.topics[0].errorCode).not.toBe(ErrorCode.NONE)
    await other.close()
  })

  describe('legacy flow: SaslHandshake v0, then raw tokens', () => {
    it('logs in with PLAIN (an empty raw answer), then serves Kafka requests', async () => {
      const raw = await RawSaslSocket.connect(broker.bootstrap)
      expect((await raw.request(Apis.SaslHandshake, 0, { mechanism: 'PLAIN' })).errorCode).toBe(0)
      // kafka-python sends the user as the authorization id too
      expect(await raw.token(plainToken('alice', 'alice-secret', 'alice'))).toEqual(Buffer.alloc(0))
      expect((await raw.request(Apis.Metadata, 12, NO_TOPICS)).brokers).toHaveLength(1)
      raw.close()
    })

    for (const [mechanism, user] of [
      ['SCRAM-SHA-256', 'bob'],
      ['SCRAM-SHA-512', 'carol'],
    ] as const) {
      it(`logs in with ${mechanism} in two raw rounds`, async () => {
        const raw = await RawSaslSocket.connect(broker.bootstrap)
        await raw.request(Apis.SaslHandshake, 0, { mechanism })
        const scram = ScramClient.for(mechanism, user, PASSWORDS[user])
        const serverFirst = await raw.token(scram.first())
        const serverFinal = await raw.token(scram.final(serverFirst))
        expect(serverFinal.toString()).toBe(scram.expectedServerFinal())
        expect((await raw.request(Apis.Metadata, 12, NO_TOPICS)).brokers).toHaveLength(1)
        raw.close()
      })
    }

    it('closes without an answer on a wrong password', async () => {
      const raw = await RawSaslSocket.connect(broker.bootstrap)
      await raw.request(Apis.SaslHandshake, 0, { mechanism: 'PLAIN' })
      await expect(raw.token(plainToken('alice', 'nope'))).rejects.toThrow(/closed/)
    })

    it('refuses SaslAuthenticate after a v0 handshake', async () => {
      const raw = await RawSaslSocket.connect(broker.bootstrap)
      await raw.request(Apis.SaslHandshake, 0, { mechanism: 'PLAIN' })
      // the frame is taken as a raw PLAIN token, which it is not
      await expect(
        raw.request(Apis.SaslAuthenticate, 1, { authBytes: plainToken('alice', 'alice-secret') }),
      ).rejects.toThrow(/closed/)
    })
  })
})

describe('SASL limits', () => {
  it('waits failedAuthenticationDelayMs before it answers a failed login', async () => {
    const clock = new ManualClock()
    const log = capturingLogger()
    const broker = await startBroker(
      { port: 0, logger: log, users: USERS, failedAuthenticationDelayMs: 300 },
      clock,
    )
    try {
      const client = await WireClient.connect(broker.bootstrap)
      let answer: number | undefined
      const answered = saslLogin(client, 'PLAIN', 'alice', 'wrong').then((r) => {
        answer = r.errorCode
      })
      // the failure is decided (and logged) before its answer waits for the delay
      while (!log.lines.some((l) => l.includes('wrong password'))) await sleep(5)
      const other = await WireClient.connect(broker.bootstrap)
      expect((await saslLogin(other, 'PLAIN', 'alice', 'alice-secret')).errorCode).toBe(0)
      clock.advance(299)
      expect((await other.send(Apis.Metadata, 12, NO_TOPICS)).brokers).toHaveLength(1)
      expect(answer).toBeUndefined()
      clock.advance(1)
      await answered
      expect(answer).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED)
      await closed(client)
      await other.close()
    } finally {
      await broker.close()
    }
  })

  it('refuses new connections from an address after maxFailedAuthenticationsPerIp failures in the window', async () => {
    const log = capturingLogger()
    const broker = await startBroker({
      port: 0,
      logger: log,
      users: USERS,
      failedAuthenticationDelayMs: 0,
      maxFailedAuthenticationsPerIp: 2,
      failedAuthenticationWindowMs: 600_000,
    })
    try {
      // a logged-in connection is not affected
      const good = await WireClient.connect(broker.bootstrap)
      await saslLogin(good, 'PLAIN', 'alice', 'alice-secret')
      for (let i = 0; i < 2; i++) {
        const bad = await WireClient.connect(broker.bootstrap)
        expect((await saslLogin(bad, 'SCRAM-SHA-256', 'bob', 'guess')).errorCode).toBe(
          ErrorCode.SASL_AUTHENTICATION_FAILED,
        )
        await closed(bad)
      }
      const refused = await WireClient.connect(broker.bootstrap)
      await closed(refused)
      expect(log.lines.some((l) => /refused connection from 127\.0\.0\.1: 2 failed logins/.test(l))).toBe(
        true,
      )
      expect((await good.send(Apis.Metadata, 12, NO_TOPICS)).brokers).toHaveLength(1)
      await good.close()
    } finally {
      await broker.close()
    }
  })
})

describe('SASL APIs with authentication off', () => {
  let broker: RunningBroker
  beforeAll(async () => {
    broker = await startBroker({ port: 0, logger: 'silent' })
  })
  afterAll(async () => {
    await broker.close()
  })

  it('answers as Kafka does on a listener without SASL and keeps the connection', async () => {
    const client = await WireClient.connect(broker.bootstrap)
    expect(await client.send(Apis.SaslHandshake, 1, { mechanism: 'PLAIN' })).toEqual({
      errorCode: ErrorCode.ILLEGAL_SASL_STATE,
      mechanisms: [],
    })
    const r = await client.send(Apis.SaslAuthenticate, 1, { authBytes: plainToken('a', 'b') })
    expect(r.errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE)
    expect(r.sessionLifetimeMs).toBe(0n)
    expect((await client.send(Apis.Metadata, 12, NO_TOPICS)).brokers).toHaveLength(1)
    await client.close()
  })
})
