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
 * kafka-python 2.0 logs in with the legacy flow (SaslHandshake v0, then raw
 * size-prefixed tokens outside Kafka framing), with PLAIN, SCRAM-SHA-256 and
 * SCRAM-SHA-512, over SASL_PLAINTEXT and SASL_SSL; it produces three records
 * and reads them back. With a wrong password it gives up; kafka-python
 * reports that as NoBrokersAvailable (it hides the login failure inside its
 * broker version probe), and nothing is written.
 */

const SCRIPT = fileURLToPath(new URL('./kafka_python_sasl.py', import.meta.url))
const RUN_MS = 30_000
const TEST_MS = 40_000

interface Line {
  type: string
  key?: string
  value?: string
  name?: string
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

describeWithClient('kafka-python with SASL and TLS', probePythonModule('kafka'), () => {
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
          const lines = await script(
            'roundtrip',
            broker.bootstrap,
            `kp-${protocol}-${mechanism}`,
            sasl(protocol, mechanism),
          )
          expect(lines.filter((l) => l.type === 'delivery')).toHaveLength(3)
          expect(lines.filter((l) => l.type === 'record').map((l) => `${l.key}=${l.value}`)).toEqual([
            'k1=first',
            'k2=second ✓',
            'k3=third',
          ])
        },
        TEST_MS,
      )
    }
  }

  it.concurrent(
    'gives up on a wrong password and writes nothing',
    async () => {
      const topic = 'kp-denied'
      const lines = await script('denied', brokers.saslPlaintext.bootstrap, topic, [
        ...sasl('SASL_PLAINTEXT', 'SCRAM-SHA-256', WRONG_PASSWORD),
        '--timeout',
        '5',
      ])
      expect(lines).toEqual([{ type: 'error', name: 'NoBrokersAvailable', str: 'NoBrokersAvailable' }])
      expect(await topicExists(brokers.saslPlaintext, topic)).toBe(false)
    },
    TEST_MS,
  )
})
