import { describe, expect, it } from 'vitest'
import { CredentialStore } from '../../../src/broker/auth/credentials.js'
import { PlainExchange } from '../../../src/broker/auth/plain-exchange.js'
import { SaslFailure } from '../../../src/broker/auth/sasl-failure.js'

const store = new CredentialStore([
  { name: 'alice', password: 'alice-secret', mechanism: 'PLAIN' },
  { name: 'ünï', password: 'pässwörd ✓', mechanism: 'PLAIN' },
])

function token(authzid: string, user: string, password: string): Buffer {
  return Buffer.from(`${authzid}\0${user}\0${password}`, 'utf8')
}

async function failure(exchange: PlainExchange, bytes: Buffer): Promise<SaslFailure> {
  const err = await exchange.step(bytes).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(SaslFailure)
  return err as SaslFailure
}

describe('PlainExchange', () => {
  it('logs a user in with one token and answers with an empty one', async () => {
    const exchange = new PlainExchange(store)
    expect(await exchange.step(token('', 'alice', 'alice-secret'))).toEqual({
      token: Buffer.alloc(0),
      done: true,
    })
    expect(exchange.user).toBe('alice')
  })

  it('takes UTF-8 names and passwords', async () => {
    expect((await new PlainExchange(store).step(token('', 'ünï', 'pässwörd ✓'))).done).toBe(true)
  })

  it('accepts an authorization id equal to the user, as kafka-python sends it', async () => {
    expect((await new PlainExchange(store).step(token('alice', 'alice', 'alice-secret'))).done).toBe(true)
  })

  it('refuses an authorization id naming someone else, with Kafka’s message', async () => {
    const f = await failure(new PlainExchange(store), token('admin', 'alice', 'alice-secret'))
    expect(f.clientMessage).toBe(
      'Authentication failed: Client requested an authorization id that is different from username',
    )
  })

  it('answers a wrong password and an unknown user with the same message', async () => {
    const wrong = await failure(new PlainExchange(store), token('', 'alice', 'nope'))
    const unknown = await failure(new PlainExchange(store), token('', 'mallory', 'alice-secret'))
    expect(wrong.clientMessage).toBe('Authentication failed: Invalid username or password')
    expect(unknown.clientMessage).toBe(wrong.clientMessage)
    // only the broker's log is told which it was
    expect([wrong.reason, unknown.reason]).toEqual(['wrong password', 'unknown user'])
  })

  const malformed: [string, Buffer][] = [
    ['no separators', Buffer.from('alice')],
    ['one separator', Buffer.from('alice\0secret')],
    ['three separators', Buffer.from('\0alice\0alice-secret\0')],
    ['an empty user', token('', '', 'x')],
    ['an empty password', token('', 'alice', '')],
    ['bytes that are not UTF-8', Buffer.from([0, 0xff, 0xfe, 0, 0x41])],
  ]
  for (const [name, bytes] of malformed) {
    it(`refuses a token with ${name}`, async () => {
      const f = await failure(new PlainExchange(store), bytes)
      expect(f.clientMessage).toBe(
        'Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN',
      )
    })
  }

  it('takes one token only, and wipes the password out of the frame it arrived in', async () => {
    const exchange = new PlainExchange(store)
    const bytes = token('', 'alice', 'alice-secret')
    await exchange.step(bytes)
    expect(bytes.every((b) => b === 0)).toBe(true)
    await failure(exchange, token('', 'alice', 'alice-secret'))
  })
})
