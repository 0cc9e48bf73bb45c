import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { BrokerHarness } from '../support/broker.js'
import {
  describeWithClient,
  jsonLines,
  PYTHON,
  probePythonModule,
  runChecked,
} from '../support/external-client.js'
import {
  MECHANISMS,
  type Mechanism,
  type SecureBrokers,
  startSecureBrokers,
  TLS_FILES,
  topicExists,
  USERS,
  WRONG_PASSWORD,
} from './secure-brokers.js'

/**
 * confluent-kafka for Python (librdkafka) logs in with PLAIN, SCRAM-SHA-256
 * and SCRAM-SHA-512 over SASL_PLAINTEXT and SASL_SSL, and with a client
 * certificate over mutual TLS; it produces three records and reads them back.
 * A wrong password is reported as an authentication error and no login at all
 * as a refused connection, and neither writes anything.
 */

const SCRIPT = fileURLToPath(new URL('./confluent_sasl.py', import.meta.url))
const RUN_MS = 30_000
const TEST_MS = 40_000

interface Line {
  type: string
  key?: string
  value?: string
  name?: string
  str?: string
}

async function script(mode: 'roundtrip' | 'denied', bootstrap: string, topic: string, security: string[]) {
  const result = await runChecked(
    PYTHON,
    [SCRIPT, mode, '--bootstrap', bootstrap, '--topic', topic, ...security],
    {
      timeoutMs: RUN_MS,
    },
  )
  return jsonLines<Line>(result.stdout)
}

function sasl(protocol: 'SASL_PLAINTEXT' | 'SASL_SSL', mechanism: Mechanism, password?: string): string[] {
  const user = USERS[mechanism]
  return [
    '--protocol',
    protocol,
    '--mechanism',
    mechanism,
    '--username',
    user.name,
    '--password',
    password ?? user.password,
    ...(protocol === 'SASL_SSL' ? ['--ca', TLS_FILES.ca] : []),
  ]
}

function expectRoundTrip(lines: Line[]): void {
  expect(lines.filter((l) => l.type === 'delivery')).toHaveLength(3)
  expect(lines.filter((l) => l.type === 'record').map((l) => `${l.key}=${l.value}`)).toEqual([
    'k1=first',
    'k2=second ✓',
    'k3=third',
  ])
}

describeWithClient('confluent-kafka with SASL and TLS', probePythonModule('confluent_kafka'), () => {
  const harness = new BrokerHarness()
  let brokers: SecureBrokers

  beforeAll(async () => {
    brokers = await startSecureBrokers(harness)
  })
  afterAll(async () => {
    await harness.cleanup()
  })

  for (const protocol of ['SASL_PLAINTEXT', 'SASL_SSL'] as const) {
    for (const mechanism of MECHANISMS) {
      it.concurrent(
        `produces and consumes with ${mechanism} over ${protocol}`,
        async () => {
          const broker = protocol === 'SASL_SSL' ? brokers.saslSsl : brokers.saslPlaintext
          expectRoundTrip(
            await script(
              'roundtrip',
              broker.bootstrap,
              `py-${protocol}-${mechanism}`,
              sasl(protocol, mechanism),
            ),
          )
        },
        TEST_MS,
      )
    }
  }

  it.concurrent(
    'produces and consumes over mutual TLS with a client certificate',
    async () => {
      const security = [
        '--protocol',
        'SSL',
        '--ca',
        TLS_FILES.ca,
        '--cert',
        TLS_FILES.clientCert,
        '--key',
        TLS_FILES.clientKey,
      ]
      expectRoundTrip(await script('roundtrip', brokers.mutualTls.bootstrap, 'py-mtls', security))
    },
    TEST_MS,
  )

  it.concurrent(
    'reports an authentication error for a wrong password and writes nothing',
    async () => {
      const topic = 'py-denied'
      const lines = await script(
        'denied',
        brokers.saslSsl.bootstrap,
        topic,
        sasl('SASL_SSL', 'SCRAM-SHA-512', WRONG_PASSWORD),
      )
      const errors = lines.filter((l) => l.type === 'error')
      expect(
        errors.some((e) => e.name === '_AUTHENTICATION' && /Authentication failed/.test(e.str ?? '')),
      ).toBe(true)
      expect(await topicExists(brokers.saslSsl, topic, true)).toBe(false)
    },
    TEST_MS,
  )

  it.concurrent(
    'is refused without a login and writes nothing',
    async () => {
      const topic = 'py-anonymous'
      const lines = await script('denied', brokers.saslPlaintext.bootstrap, topic, [
        '--protocol',
        'PLAINTEXT',
      ])
      const errors = lines.filter((l) => l.type === 'error')
      expect(errors.some((e) => /broker might require SASL authentication/.test(e.str ?? ''))).toBe(true)
      expect(await topicExists(brokers.saslPlaintext, topic)).toBe(false)
    },
    TEST_MS,
  )
})
