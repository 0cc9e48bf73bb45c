import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Apis } from '../../../src/protocol/messages/index.js'
import { saslLogin } from '../../broker/support/sasl-client.js'
import { WireClient } from '../../broker/support/wire-client.js'
import type { BrokerHarness, CompatBroker } from '../support/broker.js'

/**
 * What every SASL/TLS compatibility suite shares: one user per mechanism, the
 * TLS fixtures, and one broker per security mode (SASL over TCP, SASL over
 * TLS, mutual TLS), reused by every case of a client.
 */

export type Mechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'
export const MECHANISMS: readonly Mechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']

export const USERS: Record<Mechanism, { name: string; password: string }> = {
  PLAIN: { name: 'plain-user', password: 'plain-pass-1' },
  'SCRAM-SHA-256': { name: 'scram256-user', password: 'scram256-pass-2' },
  'SCRAM-SHA-512': { name: 'scram512-user', password: 'scram512-pass-3' },
}

export const WRONG_PASSWORD = 'not-the-password'

const tlsDir = fileURLToPath(new URL('../../fixtures/tls/', import.meta.url))
/** Absolute paths of the TLS fixtures, for clients that take files (kcat, the Python clients). */
export const TLS_FILES = {
  ca: `${tlsDir}ca.pem`,
  serverKey: `${tlsDir}server.key`,
  serverCert: `${tlsDir}server.pem`,
  clientCert: `${tlsDir}client.pem`,
  clientKey: `${tlsDir}client.key`,
  rogueCert: `${tlsDir}rogue-client.pem`,
  rogueKey: `${tlsDir}rogue-client.key`,
}

export const readTls = (path: string): Buffer => readFileSync(path)

export interface SecureBrokers {
  /** SASL_PLAINTEXT: SASL over plain TCP. */
  readonly saslPlaintext: CompatBroker
  /** SASL_SSL: SASL over TLS. */
  readonly saslSsl: CompatBroker
  /** SSL with client certificates required (no SASL). */
  readonly mutualTls: CompatBroker
}

export async function startSecureBrokers(harness: BrokerHarness): Promise<SecureBrokers> {
  const users = MECHANISMS.map((m) => ({ ...USERS[m], mechanism: m }))
  const tls = { key: readTls(TLS_FILES.serverKey), cert: readTls(TLS_FILES.serverCert) }
  const common = {
    groupInitialRebalanceDelayMs: 0,
    // clients retry a refused login over and over; a lockout would also refuse the other cases from 127.0.0.1
    maxFailedAuthenticationsPerIp: 0,
  }
  const [saslPlaintext, saslSsl, mutualTls] = await Promise.all([
    harness.start({ broker: { ...common, users } }),
    harness.start({ broker: { ...common, users, tls } }),
    harness.start({ broker: { ...common, tls: { ...tls, ca: readTls(TLS_FILES.ca) } } }),
  ])
  return { saslPlaintext, saslSsl, mutualTls }
}

/**
 * Whether `topic` exists on a SASL broker, asked with a logged-in wire client
 * (Metadata without auto-creation), to prove a refused client wrote nothing.
 */
export async function topicExists(broker: CompatBroker, topic: string, tls = false): Promise<boolean> {
  const client = await WireClient.connect(broker.bootstrap, tls ? { ca: readTls(TLS_FILES.ca) } : undefined)
  try {
    const login = await saslLogin(client, 'PLAIN', USERS.PLAIN.name, USERS.PLAIN.password)
    if (login.errorCode !== 0) throw new Error(`check login failed: ${login.errorMessage}`)
    const meta = await client.send(Apis.Metadata, 12, {
      topics: [{ name: topic, topicId: '00000000-0000-0000-0000-000000000000' }],
      allowAutoTopicCreation: false,
    })
    return meta.topics[0].errorCode === 0
  } finally {
    await client.close()
  }
}
