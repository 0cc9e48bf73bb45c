import { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { BrokerConfigError } from '../../../src/broker/config-error.js'
import { ConnectionAdmission } from '../../../src/broker/network/admission.js'
import { CONNECTION_LIMIT_DEFAULTS, resolveConnectionLimits } from '../../../src/broker/network/limits.js'
import { ManualClock } from '../log/support/manual-clock.js'
import { capturingLogger } from '../support/sasl-client.js'

/** Enough of a socket for admission: an address, destroy(), and a 'close' event. */
class FakeSocket extends EventEmitter {
  destroyed = false
  constructor(readonly remoteAddress: string | undefined) {
    super()
  }
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.emit('close')
  }
}

function socket(address: string | undefined): Socket & FakeSocket {
  return new FakeSocket(address) as Socket & FakeSocket
}

function admission(limits: Partial<typeof CONNECTION_LIMIT_DEFAULTS> = {}) {
  const clock = new ManualClock()
  const log = capturingLogger()
  const gate = new ConnectionAdmission({ ...CONNECTION_LIMIT_DEFAULTS, ...limits }, log, clock)
  return { clock, log, gate }
}

describe('ConnectionAdmission', () => {
  it('counts connections until they close, in all and per address', () => {
    const { gate } = admission({ maxConnections: 3, maxConnectionsPerIp: 2 })
    const a1 = socket('10.0.0.1')
    const a2 = socket('10.0.0.1')
    expect(gate.admit(a1)).toBe(true)
    expect(gate.admit(a2)).toBe(true)
    const a3 = socket('10.0.0.1')
    expect(gate.admit(a3)).toBe(false)
    expect(a3.destroyed).toBe(true)
    expect(gate.admit(socket('10.0.0.2'))).toBe(true)
    expect(gate.admit(socket('10.0.0.3'))).toBe(false)
    expect(gate.openConnections).toBe(3)
    a1.destroy()
    expect(gate.openConnections).toBe(2)
    expect(gate.admit(socket('10.0.0.1'))).toBe(true)
  })

  it('destroys a socket that lost its address before it was accepted', () => {
    const { gate } = admission()
    const gone = socket(undefined)
    expect(gate.admit(gone)).toBe(false)
    expect(gone.destroyed).toBe(true)
    expect(gate.openConnections).toBe(0)
  })

  it('locks an address out after too many failed logins, until its window ends', () => {
    const { gate, clock } = admission({
      maxFailedAuthenticationsPerIp: 3,
      failedAuthenticationWindowMs: 60_000,
    })
    for (let i = 0; i < 3; i++) gate.recordAuthenticationFailure('10.0.0.9')
    expect(gate.admit(socket('10.0.0.9'))).toBe(false)
    expect(gate.admit(socket('10.0.0.8'))).toBe(true)
    clock.advance(59_999)
    expect(gate.admit(socket('10.0.0.9'))).toBe(false)
    clock.advance(1)
    expect(gate.admit(socket('10.0.0.9'))).toBe(true)
  })

  it('counts failures per window: old ones expire', () => {
    const { gate, clock } = admission({
      maxFailedAuthenticationsPerIp: 2,
      failedAuthenticationWindowMs: 1000,
    })
    gate.recordAuthenticationFailure('10.0.0.9')
    clock.advance(1000)
    gate.recordAuthenticationFailure('10.0.0.9')
    expect(gate.admit(socket('10.0.0.9'))).toBe(true)
  })

  it('never locks out with maxFailedAuthenticationsPerIp 0', () => {
    const { gate } = admission({ maxFailedAuthenticationsPerIp: 0 })
    for (let i = 0; i < 100; i++) gate.recordAuthenticationFailure('10.0.0.9')
    expect(gate.admit(socket('10.0.0.9'))).toBe(true)
  })

  it('remembers a bounded number of addresses under a spray of failures', () => {
    const { gate } = admission({ maxFailedAuthenticationsPerIp: 1 })
    for (let i = 0; i < 20_000; i++)
      gate.recordAuthenticationFailure(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`)
    // the newest are remembered, the oldest were forgotten to make room
    expect(gate.admit(socket('10.0.78.31'))).toBe(false)
    expect(gate.admit(socket('10.0.0.0'))).toBe(true)
  })

  it('logs refusals at most once per interval, counting the ones it did not log', () => {
    const { gate, clock, log } = admission({ maxConnections: 1 })
    gate.admit(socket('10.0.0.1'))
    for (let i = 0; i < 5; i++) gate.admit(socket('10.0.0.2'))
    expect(log.lines).toHaveLength(1)
    clock.advance(10_000)
    gate.admit(socket('10.0.0.3'))
    expect(log.lines).toHaveLength(2)
    expect(log.lines[1]).toMatch(
      /^WARN refused connection from 10\.0\.0\.3: .*\(and 4 more like it since the last such line\)$/,
    )
  })
})

describe('connection limit options', () => {
  it('have defaults that leave room for 1,100 connections from one address', () => {
    const limits = resolveConnectionLimits({})
    expect(limits).toEqual(CONNECTION_LIMIT_DEFAULTS)
    expect(limits.maxConnectionsPerIp).toBeGreaterThanOrEqual(1100)
  })

  const bad: [string, Record<string, unknown>][] = [
    ['maxConnections', { maxConnections: 0 }],
    ['maxConnectionsPerIp', { maxConnections: 10, maxConnectionsPerIp: 11 }],
    ['connectionsMaxIdleMs', { connectionsMaxIdleMs: -1 }],
    ['requestReceiveTimeoutMs', { requestReceiveTimeoutMs: 1.5 }],
    ['saslMaxReceiveBytes', { saslMaxReceiveBytes: 10 }],
    ['failedAuthenticationDelayMs', { failedAuthenticationDelayMs: 1000, connectionsMaxIdleMs: 1000 }],
    ['maxFailedAuthenticationsPerIp', { maxFailedAuthenticationsPerIp: -1 }],
    ['failedAuthenticationWindowMs', { failedAuthenticationWindowMs: 0 }],
  ]
  for (const [key, options] of bad) {
    it(`fail at construction naming ${key}`, () => {
      expect(() => resolveConnectionLimits(options)).toThrow(BrokerConfigError)
      try {
        resolveConnectionLimits(options)
      } catch (err) {
        expect((err as BrokerConfigError).key).toBe(key)
      }
    })
  }

  it('take a per-address limit no higher than the total one', () => {
    expect(resolveConnectionLimits({ maxConnections: 100 }).maxConnectionsPerIp).toBe(100)
  })
})
