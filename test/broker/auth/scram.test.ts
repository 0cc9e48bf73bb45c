import { describe, expect, it } from 'vitest'
import { CredentialStore, type ScramCredential } from '../../../src/broker/auth/credentials.js'
import { SaslFailure } from '../../../src/broker/auth/sasl-failure.js'
import { type ScramCredentialSource, ScramExchange } from '../../../src/broker/auth/scram-exchange.js'
import { parseClientFirst } from '../../../src/broker/auth/scram-messages.js'
import { decodeSaslName } from '../../../src/protocol/sasl/sasl-name.js'
import {
  clientProof,
  type ScramHash,
  saltedPassword,
  scramKeys,
  serverSignature,
  verifyClientProof,
} from '../../../src/protocol/sasl/scram-formulas.js'
import { ScramClient } from '../support/sasl-client.js'

/** The examples of RFC 5802 section 5 (SHA-1) and RFC 7677 section 3 (SHA-256): user "user", password "pencil". */
const VECTORS: {
  name: string
  hash: ScramHash
  clientNonce: string
  serverNonce: string
  salt: string
  proof: string
  signature: string
}[] = [
  {
    name: 'RFC 5802 (SCRAM-SHA-1)',
    hash: 'sha1',
    clientNonce: 'fyko+d2lbbFgONRv9qkxdawL',
    serverNonce: '3rfcNHYJY1ZVvWVs7j',
    salt: 'QSXCR+Q6sek8bf92',
    proof: 'v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
    signature: 'rmF9pqV8S7suAoZWja4dJRkFsKQ=',
  },
  {
    name: 'RFC 7677 (SCRAM-SHA-256)',
    hash: 'sha256',
    clientNonce: 'rOprNGfwEbeRWgbNEkqO',
    serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
    salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
    proof: 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    signature: '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  },
]

function authMessage(v: (typeof VECTORS)[number]): string {
  const nonce = v.clientNonce + v.serverNonce
  return `n=user,r=${v.clientNonce},r=${nonce},s=${v.salt},i=4096,c=biws,r=${nonce}`
}

describe('SCRAM formulas', () => {
  for (const v of VECTORS) {
    it(`reproduce the ${v.name} example`, () => {
      const salted = saltedPassword(v.hash, 'pencil', Buffer.from(v.salt, 'base64'), 4096)
      const keys = scramKeys(v.hash, salted)
      const message = authMessage(v)
      expect(clientProof(v.hash, salted, message).toString('base64')).toBe(v.proof)
      expect(serverSignature(v.hash, keys.serverKey, message).toString('base64')).toBe(v.signature)
      expect(verifyClientProof(v.hash, keys.storedKey, message, Buffer.from(v.proof, 'base64'))).toBe(true)
    })

    it(`reject a proof one bit off in the ${v.name} example`, () => {
      const keys = scramKeys(v.hash, saltedPassword(v.hash, 'pencil', Buffer.from(v.salt, 'base64'), 4096))
      const proof = Buffer.from(v.proof, 'base64')
      proof[0] ^= 1
      expect(verifyClientProof(v.hash, keys.storedKey, authMessage(v), proof)).toBe(false)
      expect(verifyClientProof(v.hash, keys.storedKey, authMessage(v), proof.subarray(1))).toBe(false)
    })
  }
})

function failure(fn: () => unknown): SaslFailure {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(SaslFailure)
    return err as SaslFailure
  }
  throw new Error('expected a SaslFailure')
}

const GENERIC_256 =
  'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256'

describe('ScramExchange', () => {
  const store = new CredentialStore([
    { name: 'alice', password: 'alice-secret', mechanism: 'SCRAM-SHA-256' },
    { name: 'bob', password: 'bob-secret', mechanism: 'SCRAM-SHA-512', iterations: 8192 },
    { name: 'a,b=c', password: 'odd-name', mechanism: 'SCRAM-SHA-256' },
  ])

  it('runs the RFC 7677 example end to end with a stored credential', () => {
    const v = VECTORS[1]
    const salt = Buffer.from(v.salt, 'base64')
    const credential: ScramCredential = {
      salt,
      iterations: 4096,
      ...scramKeys('sha256', saltedPassword('sha256', 'pencil', salt, 4096)),
    }
    const source: ScramCredentialSource = {
      scramCredential: (_m, name) => (name === 'user' ? credential : undefined),
      scramDecoy: () => {
        throw new Error('not used')
      },
    }
    const exchange = new ScramExchange('SCRAM-SHA-256', source, () => v.serverNonce)
    const serverFirst = exchange.step(Buffer.from(`n,,n=user,r=${v.clientNonce}`))
    expect(serverFirst.done).toBe(false)
    expect(serverFirst.token.toString()).toBe(`r=${v.clientNonce}${v.serverNonce},s=${v.salt},i=4096`)
    const serverFinal = exchange.step(Buffer.from(`c=biws,r=${v.clientNonce}${v.serverNonce},p=${v.proof}`))
    expect(serverFinal).toEqual({ token: Buffer.from(`v=${v.signature}`), done: true })
    expect(exchange.user).toBe('user')
  })

  for (const [mechanism, hash, user, password, iterations] of [
    ['SCRAM-SHA-256', 'sha256', 'alice', 'alice-secret', 4096],
    ['SCRAM-SHA-512', 'sha512', 'bob', 'bob-secret', 8192],
  ] as const) {
    it(`logs ${user} in with ${mechanism} and signs the server-final message`, () => {
      const client = new ScramClient(hash, user, password)
      const exchange = new ScramExchange(mechanism, store)
      const serverFirst = exchange.step(client.first())
      expect(serverFirst.token.toString()).toMatch(
        new RegExp(`^r=${client.nonce}[^,]{20,},s=[^,]+,i=${iterations}$`),
      )
      const serverFinal = exchange.step(client.final(serverFirst.token))
      expect(serverFinal.done).toBe(true)
      expect(serverFinal.token.toString()).toBe(client.expectedServerFinal())
    })
  }

  it('decodes =2C and =3D in user names', () => {
    expect(decodeSaslName('a=2Cb=3Dc')).toBe('a,b=c')
    expect(decodeSaslName('a=2')).toBeNull()
    expect(decodeSaslName('a=41')).toBeNull()
    const client = new ScramClient('sha256', 'a,b=c', 'odd-name')
    const exchange = new ScramExchange('SCRAM-SHA-256', store)
    expect(exchange.step(client.final(exchange.step(client.first()).token)).done).toBe(true)
  })

  it('accepts the final nonce librdkafka before 2.6.1 sends (its own nonce twice), as Kafka 3.9 does', () => {
    const client = new ScramClient('sha256', 'alice', 'alice-secret')
    const exchange = new ScramExchange('SCRAM-SHA-256', store)
    const serverFirst = exchange.step(client.first())
    expect(exchange.step(client.final(serverFirst.token, (n) => client.nonce + n)).done).toBe(true)
  })

  it('refuses a final message that does not repeat the server nonce', () => {
    const client = new ScramClient('sha256', 'alice', 'alice-secret')
    const exchange = new ScramExchange('SCRAM-SHA-256', store)
    const serverFirst = exchange.step(client.first())
    const f = failure(() => exchange.step(client.final(serverFirst.token, () => client.nonce)))
    expect(f.clientMessage).toBe(GENERIC_256)
    expect(f.reason).toMatch(/nonce/)
  })

  it('gives a wrong password and an unknown user the same answer, both at the final message', () => {
    const answers: string[] = []
    for (const [user, password] of [
      ['alice', 'wrong'],
      ['mallory', 'whatever'],
    ]) {
      const client = new ScramClient('sha256', user, password)
      const exchange = new ScramExchange('SCRAM-SHA-256', store)
      const serverFirst = exchange.step(client.first())
      expect(serverFirst.token.toString()).toMatch(/^r=[^,]+,s=[A-Za-z0-9+/]{43}=,i=4096$/)
      answers.push(failure(() => exchange.step(client.final(serverFirst.token))).clientMessage)
    }
    expect(answers).toEqual([GENERIC_256, GENERIC_256])
  })

  it('answers an unknown user with the same salt on every attempt', () => {
    const salts = [1, 2].map(() => {
      const exchange = new ScramExchange('SCRAM-SHA-256', store)
      return /s=([^,]+)/.exec(
        exchange.step(new ScramClient('sha256', 'ghost', 'x').first()).token.toString(),
      )![1]
    })
    expect(salts[0]).toBe(salts[1])
  })

  it('accepts an authorization id equal to the user and refuses another one with Kafka’s message', () => {
    const same = new ScramClient('sha256', 'alice', 'alice-secret', 'n,a=alice,')
    const ok = new ScramExchange('SCRAM-SHA-256', store)
    expect(ok.step(same.final(ok.step(same.first()).token)).done).toBe(true)

    const other = new ScramExchange('SCRAM-SHA-256', store)
    const f = failure(() => other.step(Buffer.from('n,a=admin,n=alice,r=abc')))
    expect(f.clientMessage).toBe(
      'Authentication failed: Client requested an authorization id that is different from username',
    )
  })

  const badFirst: [string, string][] = [
    ['channel binding required (p=)', 'p=tls-unique,,n=alice,r=abc'],
    ['channel binding supported (y)', 'y,,n=alice,r=abc'],
    ['a mandatory extension (m=)', 'n,,m=ext,n=alice,r=abc'],
    ['no nonce', 'n,,n=alice'],
    ['an empty user', 'n,,n=,r=abc'],
    ['a bad escape in the user', 'n,,n=al=ice,r=abc'],
    ['a nonce with a space', 'n,,n=alice,r=a c'],
    ['a delegation token login', 'n,,n=alice,r=abc,tokenauth=true'],
    ['text that is not SCRAM', 'GET / HTTP/1.1'],
  ]
  for (const [name, text] of badFirst) {
    it(`fails on a client-first message with ${name}`, () => {
      const exchange = new ScramExchange('SCRAM-SHA-256', store)
      expect(failure(() => exchange.step(Buffer.from(text))).clientMessage).toBe(GENERIC_256)
      // the exchange is over: nothing more is accepted
      expect(() => exchange.step(new ScramClient('sha256', 'alice', 'alice-secret').first())).toThrow(
        SaslFailure,
      )
    })
  }

  it('ignores extensions it does not know, as Kafka does', () => {
    expect(parseClientFirst('n,,n=alice,r=abc,ext=1')?.extensions.get('ext')).toBe('1')
    const exchange = new ScramExchange('SCRAM-SHA-256', store)
    expect(exchange.step(Buffer.from('n,,n=alice,r=abc,future=yes')).done).toBe(false)
  })

  it('refuses a client-final message whose channel binding does not repeat the GS2 header', () => {
    const client = new ScramClient('sha256', 'alice', 'alice-secret')
    const exchange = new ScramExchange('SCRAM-SHA-256', store)
    const serverFirst = exchange.step(client.first()).token.toString()
    const nonce = /r=([^,]+)/.exec(serverFirst)![1]
    const f = failure(() =>
      exchange.step(Buffer.from(`c=${Buffer.from('n,a=alice,').toString('base64')},r=${nonce},p=AAAA`)),
    )
    expect(f.reason).toMatch(/channel binding/)
  })

  it('refuses malformed client-final messages and a token after the end', () => {
    for (const final of ['c=biws', 'c=biws,r=x,p=!!!', 'c=biws,r=x,bad ext,p=AAAA', '']) {
      const exchange = new ScramExchange('SCRAM-SHA-256', store)
      exchange.step(new ScramClient('sha256', 'alice', 'alice-secret').first())
      expect(failure(() => exchange.step(Buffer.from(final))).clientMessage).toBe(GENERIC_256)
    }
    const client = new ScramClient('sha256', 'alice', 'alice-secret')
    const exchange = new ScramExchange('SCRAM-SHA-256', store)
    exchange.step(client.final(exchange.step(client.first()).token))
    failure(() => exchange.step(client.first()))
  })

  it('refuses a stored credential below Kafka’s 4096 iterations', () => {
    const salt = Buffer.alloc(16, 1)
    const weak: ScramCredential = {
      salt,
      iterations: 1000,
      ...scramKeys('sha256', saltedPassword('sha256', 'p', salt, 1000)),
    }
    const source: ScramCredentialSource = { scramCredential: () => weak, scramDecoy: () => weak }
    const exchange = new ScramExchange('SCRAM-SHA-256', source)
    expect(failure(() => exchange.step(Buffer.from('n,,n=u,r=abc'))).reason).toMatch(/4096/)
  })
})
