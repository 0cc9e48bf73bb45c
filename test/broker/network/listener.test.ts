import { readFileSync } from 'node:fs'
import type { Server } from 'node:net'
import { describe, expect, it } from 'vitest'
import { resolveTls } from '../../../src/broker/auth/tls-settings.js'
import { systemClock } from '../../../src/broker/clock.js'
import { ConnectionAdmission } from '../../../src/broker/network/admission.js'
import { CONNECTION_LIMIT_DEFAULTS } from '../../../src/broker/network/limits.js'
import { createListener, exposureWarning, isLoopbackHost } from '../../../src/broker/network/listener.js'
import { capturingLogger } from '../support/sasl-client.js'
import { WireClient } from '../support/wire-client.js'

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url))

function listener(host: string, extra: { users?: boolean; tls?: 'plain' | 'mutual' } = {}) {
  const log = capturingLogger()
  const tls =
    extra.tls === undefined
      ? undefined
      : resolveTls({
          key: fixture('server.key'),
          cert: fixture('server.pem'),
          ...(extra.tls === 'mutual' ? { ca: fixture('ca.pem') } : {}),
        })
  const server = createListener({
    host,
    tls,
    authenticationRequired: extra.users === true,
    admission: new ConnectionAdmission(CONNECTION_LIMIT_DEFAULTS, log, systemClock),
    handshakeTimeoutMs: 1000,
    logger: log,
    onConnection: (socket) => socket.end(),
  })
  return { server, log }
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve(typeof address === 'object' && address ? `127.0.0.1:${address.port}` : '')
    }),
  )
}

describe('exposure warning', () => {
  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host)).toBe(true)
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'broker.example', '128.0.0.1']) {
      expect(isLoopbackHost(host)).toBe(false)
    }
  })

  it('warns when a non-loopback listener has no authentication, naming the risk', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      const { log } = listener(host)
      const warning = log.lines.find((l) => l.startsWith('WARN'))
      expect(warning).toBe(`WARN ${exposureWarning(host, false)}`)
      expect(warning).toMatch(/anyone who can reach this port can read and write every topic/)
    }
  })

  it('does not warn on loopback, with SASL, or with mutual TLS', () => {
    for (const [host, extra] of [
      ['127.0.0.1', {}],
      ['0.0.0.0', { users: true }],
      ['0.0.0.0', { tls: 'mutual' }],
    ] as const) {
      expect(listener(host, extra).log.lines.filter((l) => l.startsWith('WARN'))).toEqual([])
    }
    // TLS without client certificates encrypts but lets anyone in
    expect(listener('0.0.0.0', { tls: 'plain' }).log.lines.some((l) => l.startsWith('WARN'))).toBe(true)
  })
})

describe('createListener', () => {
  for (const tls of [undefined, 'plain'] as const) {
    it(`keeps serving after an accept error such as EMFILE (${tls ? 'TLS' : 'TCP'})`, async () => {
      const { server, log } = listener('127.0.0.1', { tls })
      const bootstrap = await listen(server)
      try {
        server.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }))
        expect(log.lines).toContain('ERROR listener error (the broker keeps listening): accept EMFILE')
        expect(server.listening).toBe(true)
        if (!tls) {
          const client = await WireClient.connect(bootstrap)
          await new Promise((resolve) => client.socket.once('close', resolve))
        }
      } finally {
        await new Promise((resolve) => server.close(resolve))
      }
    })
  }

  it('contains an exception thrown while accepting a connection', async () => {
    const log = capturingLogger()
    const server = createListener({
      host: '127.0.0.1',
      tls: undefined,
      authenticationRequired: false,
      admission: new ConnectionAdmission(CONNECTION_LIMIT_DEFAULTS, log, systemClock),
      handshakeTimeoutMs: 0,
      logger: log,
      onConnection: () => {
        throw new Error('boom')
      },
    })
    const bootstrap = await listen(server)
    try {
      const client = await WireClient.connect(bootstrap)
      await new Promise((resolve) => client.socket.once('close', resolve))
      expect(log.lines).toContain('ERROR accepting a connection failed: boom')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
