import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { resolveTls } from '../../../src/broker/auth/tls-settings.js'
import { BrokerConfigError } from '../../../src/broker/config-error.js'
import { resolveBrokerOptions } from '../../../src/broker/options.js'

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url))
const key = fixture('server.key')
const cert = fixture('server.pem')
const ca = fixture('ca.pem')

function keyOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(BrokerConfigError)
    return (err as BrokerConfigError).key
  }
  throw new Error('expected a BrokerConfigError')
}

describe('tls option', () => {
  it('loads the fixtures, as Buffers or strings', () => {
    expect(resolveTls({ key, cert })?.requestCert).toBe(false)
    expect(resolveTls({ key: key.toString(), cert: cert.toString() })?.requestCert).toBe(false)
  })

  it('requires client certificates when a CA is given, unless told not to', () => {
    expect(resolveTls({ key, cert, ca })?.requestCert).toBe(true)
    expect(resolveTls({ key, cert, ca: [ca] })?.requestCert).toBe(true)
    expect(resolveTls({ key, cert, ca, requestCert: false })?.requestCert).toBe(false)
  })

  it('fails at construction on what would fail at the first handshake, naming the key', () => {
    expect(keyOf(() => resolveBrokerOptions({ tls: { key, cert: 'not a certificate' } }))).toBe('tls.cert')
    expect(keyOf(() => resolveBrokerOptions({ tls: { key: 'not a key', cert } }))).toBe('tls.key')
    // a key that does not belong to the certificate
    expect(keyOf(() => resolveBrokerOptions({ tls: { key: fixture('client.key'), cert } }))).toBe('tls.key')
    expect(keyOf(() => resolveBrokerOptions({ tls: { key, cert, ca: 'garbage' } }))).toBe('tls.ca')
    expect(
      keyOf(() =>
        resolveBrokerOptions({
          tls: { key, cert, ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' },
        }),
      ),
    ).toBe('tls.ca')
    expect(keyOf(() => resolveBrokerOptions({ tls: { key, cert, requestCert: true } }))).toBe(
      'tls.requestCert',
    )
    expect(keyOf(() => resolveBrokerOptions({ tls: { key, cert, extra: 1 } as never }))).toBe('tls.extra')
    expect(keyOf(() => resolveBrokerOptions({ tls: { cert } as never }))).toBe('tls.key')
  })
})
