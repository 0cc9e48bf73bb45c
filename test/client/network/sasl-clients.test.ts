import { describe, expect, it } from 'vitest'
import { plainExchange } from '../../../src/client/network/sasl/plain-client.js'
import { scramExchange } from '../../../src/client/network/sasl/scram-client.js'

describe('SASL client exchanges', () => {
  it('PLAIN sends one token: empty authzid, user, password', () => {
    const exchange = plainExchange('alice', 'pw')
    expect(exchange.start()).toEqual(Buffer.from('\0alice\0pw'))
    expect(exchange.next(Buffer.alloc(0))).toBeNull()
  })

  // RFC 7677 section 3: the SCRAM-SHA-256 example exchange
  const nonce = 'rOprNGfwEbeRWgbNEkqO'
  const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'

  it('SCRAM-SHA-256 reproduces the RFC 7677 example', () => {
    const exchange = scramExchange('sha256', 'user', 'pencil', nonce)
    expect(exchange.start().toString()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO')
    expect(exchange.next(Buffer.from(serverFirst))?.toString()).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    )
    expect(exchange.next(Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).toBeNull()
  })

  it('SCRAM refuses a server that cannot prove it knows the password', () => {
    const exchange = scramExchange('sha256', 'user', 'pencil', nonce)
    exchange.start()
    exchange.next(Buffer.from(serverFirst))
    expect(() => exchange.next(Buffer.from('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='))).toThrow(
      /server signature/,
    )
  })

  it('SCRAM refuses a nonce that does not extend ours and absurd iteration counts', () => {
    const a = scramExchange('sha512', 'user', 'pencil', nonce)
    a.start()
    expect(() => a.next(Buffer.from('r=someoneElse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'))).toThrow(/nonce/)
    const b = scramExchange('sha512', 'user', 'pencil', nonce)
    b.start()
    expect(() => b.next(Buffer.from(`r=${nonce}xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=2000000000`))).toThrow(
      /iterations/,
    )
  })

  it('SCRAM escapes , and = in the user name', () => {
    expect(scramExchange('sha256', 'a,b=c', 'pw', 'n0').start().toString()).toBe('n,,n=a=2Cb=3Dc,r=n0')
  })
})
