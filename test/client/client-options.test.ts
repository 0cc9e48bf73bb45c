import { describe, expect, it } from 'vitest'
import { resolveKafkaOptions } from '../../src/client/client-options.js'
import { ClientConfigError } from '../../src/client/errors.js'
import { Kafka } from '../../src/index.js'

function keyOf(options: unknown): string {
  try {
    new Kafka(options as never)
  } catch (error) {
    expect(error).toBeInstanceOf(ClientConfigError)
    return `${(error as ClientConfigError).key}: ${(error as ClientConfigError).reason}`
  }
  throw new Error('accepted')
}

describe('Kafka options', () => {
  it('fills in the Java client defaults', () => {
    const o = resolveKafkaOptions({ brokers: '127.0.0.1:9092, [::1]:9093' })
    expect(o.brokers).toEqual([
      { host: '127.0.0.1', port: 9092 },
      { host: '::1', port: 9093 },
    ])
    expect(o.clientId).toBe('sluice')
    expect(o.requestTimeoutMs).toBe(30_000)
    expect(o.connectionTimeoutMs).toBe(10_000)
    expect(o.defaultApiTimeoutMs).toBe(60_000)
    expect(o.retry).toEqual({ retries: Number.POSITIVE_INFINITY, initialBackoffMs: 100, maxBackoffMs: 1000 })
    expect(o.connectionsMaxIdleMs).toBe(540_000)
    expect(o.reconnectBackoffMs).toBe(50)
    expect(o.reconnectBackoffMaxMs).toBe(1000)
    expect(o.metadataMaxAgeMs).toBe(300_000)
    expect(o.sasl).toBeUndefined()
    expect(o.ssl).toBeUndefined()
  })

  it('accepts SASL mechanisms in either case', () => {
    const o = resolveKafkaOptions({
      brokers: ['b:1'],
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
    })
    expect(o.sasl?.mechanism).toBe('SCRAM-SHA-512')
  })

  it('fails at construction naming the key and the reason', () => {
    expect(keyOf({})).toBe('brokers: is required: at least one host:port')
    expect(keyOf({ brokers: [] })).toBe('brokers: is empty: give at least one host:port')
    expect(keyOf({ brokers: ['ok:1', 'nope'] })).toMatch(/^brokers\[1\]: "nope" is not host:port/)
    expect(keyOf({ brokers: ['h:70000'] })).toMatch(/^brokers\[0\]: port 70000/)
    expect(keyOf({ brokers: 'h:1', requestTimeoutMs: -5 })).toBe(
      'requestTimeoutMs: must be between 1 and 86400000, got -5',
    )
    expect(keyOf({ brokers: 'h:1', requestTimeoutMs: '5s' })).toBe(
      'requestTimeoutMs: must be an integer, got "5s"',
    )
    expect(keyOf({ brokers: 'h:1', sasl: { mechanism: 'GSSAPI', username: 'u', password: 'p' } })).toMatch(
      /^sasl.mechanism: must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/,
    )
    expect(keyOf({ brokers: 'h:1', sasl: { mechanism: 'PLAIN', username: 'u' } })).toMatch(
      /^sasl.password: must be a non-empty string/,
    )
    expect(keyOf({ brokers: 'h:1', retry: { retries: -1 } })).toMatch(/^retry.retries: must be between 0/)
    expect(keyOf({ brokers: 'h:1', retry: { maxBackoffMs: 10 } })).toMatch(
      /^retry.maxBackoffMs: must be between 100/,
    )
    expect(keyOf({ brokers: 'h:1', ssl: { key: 'k' } })).toMatch(/^ssl.cert: is required with ssl.key/)
    expect(keyOf({ brokers: 'h:1', logger: 'loud' })).toMatch(/^logger: must be a Logger or one of debug/)
    expect(keyOf({ brokers: 'h:1', requestTimeout: 5 })).toMatch(/^requestTimeout: is not an option/)
  })

  it('never puts the password in the error', () => {
    expect(keyOf({ brokers: 'h:1', sasl: { mechanism: 'PLAIN', username: 'u', password: 42 } })).toBe(
      'sasl.password: must be a non-empty string, got number',
    )
  })
})
