import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, it } from 'vitest'
import type { SocketFactory } from '../../../src/client/network/dial.js'
import { AuthenticationError } from '../../../src/index.js'
import { describeEachTarget, type TargetName } from '../../kafka/targets.js'
import { ClientHarness } from '../support/client-for.js'

const tls = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url)))

type Mechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'
const MECHANISMS: readonly Mechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']
const USERS = MECHANISMS.map((mechanism, i) => ({ name: `user-${i}`, password: `secret-${i}`, mechanism }))

/**
 * The client's TLS and SASL against brokers that require them: each
 * mechanism logs in; a wrong password, a mechanism the broker lacks, an
 * untrusted server certificate and a missing client certificate each fail
 * at once, with one connection attempt and no retry loop.
 */
export function secureScenarios(targets: readonly TargetName[]): void {
  const clients = new ClientHarness()
  afterEach(() => clients.closeAll())

  /** Counts dials, so a test can prove that a refused login is not retried. */
  function counting(): { factory: SocketFactory; dials: () => number } {
    let dials = 0
    const base = clients.kafka({ brokers: 'x:1' }).options.socketFactory
    const factory: SocketFactory = (a, o) => {
      dials++
      return base(a, o)
    }
    return { factory, dials: () => dials }
  }

  describeEachTarget(
    'client SASL over TCP',
    { users: USERS, targets, embedded: { maxFailedAuthenticationsPerIp: 0 } },
    (target) => {
      for (const [i, mechanism] of MECHANISMS.entries()) {
        it(`logs in with ${mechanism}`, async () => {
          const admin = clients.admin({
            brokers: target().bootstrap,
            sasl: { mechanism, username: USERS[i].name, password: USERS[i].password },
          })
          const cluster = await admin.describeCluster()
          expect(cluster.brokers).toHaveLength(1)
        })
      }

      it('fails at once with AuthenticationError on a wrong password, dialing once', async () => {
        const { factory, dials } = counting()
        const admin = clients.admin({
          brokers: target().bootstrap,
          sasl: { mechanism: 'SCRAM-SHA-512', username: USERS[2].name, password: 'wrong' },
          socketFactory: factory,
          connectionTimeoutMs: 20_000,
        })
        const started = Date.now()
        const error = await admin.listTopics().catch((e) => e)
        expect(error).toBeInstanceOf(AuthenticationError)
        expect(error.retriable).toBe(false)
        expect(error.message).toMatch(/SCRAM-SHA-512 login as user-2 failed/)
        expect(error.message).not.toContain('wrong')
        expect(dials()).toBe(1)
        expect(Date.now() - started).toBeLessThan(10_000)
      })

      it('treats a connection without SASL as refused by a SASL listener, not as a login failure', async () => {
        // the broker closes a connection that sends anything but ApiVersions and SASL before logging in
        const noSasl = clients.admin({ brokers: target().bootstrap, connectionTimeoutMs: 1_500 })
        await expect(noSasl.listTopics()).rejects.toThrow(/no bootstrap broker reachable within 1500 ms/)
      })
    },
  )

  describeEachTarget(
    'client SASL over TLS',
    { users: USERS, tls: { key: tls('server.key'), cert: tls('server.pem') }, targets },
    (target) => {
      it('logs in over TLS when the CA is trusted', async () => {
        const admin = clients.admin({
          brokers: target().bootstrap,
          ssl: { ca: tls('ca.pem') },
          sasl: { mechanism: 'SCRAM-SHA-256', username: USERS[1].name, password: USERS[1].password },
        })
        expect((await admin.describeCluster()).brokers).toHaveLength(1)
      })

      it('refuses a server certificate it cannot verify, at once', async () => {
        const { factory, dials } = counting()
        const admin = clients.admin({
          brokers: target().bootstrap,
          ssl: true,
          sasl: { mechanism: 'PLAIN', username: USERS[0].name, password: USERS[0].password },
          socketFactory: factory,
        })
        const error = await admin.listTopics().catch((e) => e)
        expect(error).toBeInstanceOf(AuthenticationError)
        expect(error.message).toMatch(/TLS handshake failed/)
        expect(dials()).toBe(1)
      })
    },
  )

  describeEachTarget(
    'client mutual TLS',
    { tls: { key: tls('server.key'), cert: tls('server.pem'), ca: tls('ca.pem') }, targets },
    (target) => {
      it('connects with a client certificate the broker trusts', async () => {
        const admin = clients.admin({
          brokers: target().bootstrap,
          ssl: { ca: tls('ca.pem'), cert: tls('client.pem'), key: tls('client.key') },
        })
        expect((await admin.describeCluster()).brokers).toHaveLength(1)
      })

      it('fails at once without one', async () => {
        const admin = clients.admin({ brokers: target().bootstrap, ssl: { ca: tls('ca.pem') } })
        const error = await admin.listTopics().catch((e) => e)
        expect(error).toBeInstanceOf(AuthenticationError)
      })
    },
  )
}
