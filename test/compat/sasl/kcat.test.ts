import { afterAll, beforeAll, expect, it } from 'vitest'
import { BrokerHarness } from '../support/broker.js'
import { describeWithClient, probe, run, runChecked } from '../support/external-client.js'
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
 * kcat (librdkafka 2.0) logs in to the embedded broker with PLAIN,
 * SCRAM-SHA-256 and SCRAM-SHA-512, over plain TCP (SASL_PLAINTEXT) and over
 * TLS (SASL_SSL), and with a client certificate (mutual TLS); it produces
 * three records and reads them back. A wrong password, no login at all and a
 * certificate from another CA are refused, and nothing gets written.
 *
 * Note: librdkafka before 2.6.1 repeats its own nonce in the SCRAM final
 * message; the broker accepts that form as Kafka 3.8.1-3.9 does.
 */

const kcat = probe('kcat', ['-V'])
const RUN_MS = 20_000
const TEST_MS = 40_000

function saslArgs(
  protocol: 'SASL_PLAINTEXT' | 'SASL_SSL',
  mechanism: Mechanism,
  password?: string,
): string[] {
  const user = USERS[mechanism]
  return [
    '-X',
    `security.protocol=${protocol}`,
    '-X',
    `sasl.mechanisms=${mechanism}`,
    '-X',
    `sasl.username=${user.name}`,
    '-X',
    `sasl.password=${password ?? user.password}`,
    ...(protocol === 'SASL_SSL' ? ['-X', `ssl.ca.location=${TLS_FILES.ca}`] : []),
  ]
}

function certificateArgs(cert: string, key: string): string[] {
  return [
    '-X',
    'security.protocol=SSL',
    '-X',
    `ssl.ca.location=${TLS_FILES.ca}`,
    '-X',
    `ssl.certificate.location=${cert}`,
    '-X',
    `ssl.key.location=${key}`,
  ]
}

async function roundTrip(bootstrap: string, security: string[], topic: string): Promise<void> {
  const lines = ['k1=first', 'k2=second ✓', 'k3=third']
  await runChecked('kcat', ['-b', bootstrap, ...security, '-P', '-t', topic, '-K', '='], {
    input: `${lines.join('\n')}\n`,
    timeoutMs: RUN_MS,
  })
  const read = await runChecked(
    'kcat',
    ['-b', bootstrap, ...security, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k=%s\\n'],
    { timeoutMs: RUN_MS },
  )
  expect(read.stdout.split('\n').filter((l) => l !== '')).toEqual(lines)
}

describeWithClient('kcat with SASL and TLS', kcat, () => {
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
          await roundTrip(broker.bootstrap, saslArgs(protocol, mechanism), `kcat-${protocol}-${mechanism}`)
        },
        TEST_MS,
      )
    }
  }

  it.concurrent(
    'produces and consumes over mutual TLS with a client certificate',
    async () => {
      await roundTrip(
        brokers.mutualTls.bootstrap,
        certificateArgs(TLS_FILES.clientCert, TLS_FILES.clientKey),
        'kcat-mtls',
      )
    },
    TEST_MS,
  )

  it.concurrent(
    'is refused with a client certificate another CA signed',
    async () => {
      const result = await run(
        'kcat',
        [
          '-b',
          brokers.mutualTls.bootstrap,
          ...certificateArgs(TLS_FILES.rogueCert, TLS_FILES.rogueKey),
          '-L',
          '-m',
          '3',
        ],
        { timeoutMs: RUN_MS },
      )
      expect(result.exitCode).not.toBe(0)
      expect(result.stdout).not.toMatch(/topics:/)
    },
    TEST_MS,
  )

  for (const mechanism of MECHANISMS) {
    it.concurrent(
      `reports an authentication failure for a wrong ${mechanism} password and writes nothing`,
      async () => {
        const topic = `kcat-denied-${mechanism}`
        const result = await run(
          'kcat',
          [
            '-b',
            brokers.saslPlaintext.bootstrap,
            ...saslArgs('SASL_PLAINTEXT', mechanism, WRONG_PASSWORD),
            '-P',
            '-t',
            topic,
          ],
          { input: 'k=v\n', timeoutMs: RUN_MS },
        )
        expect(result.exitCode).not.toBe(0)
        expect(result.stderr).toMatch(/Authentication failed/)
        expect(await topicExists(brokers.saslPlaintext, topic)).toBe(false)
      },
      TEST_MS,
    )
  }

  it.concurrent(
    'is refused without a login, and writes nothing',
    async () => {
      const topic = 'kcat-anonymous'
      const result = await run('kcat', ['-b', brokers.saslPlaintext.bootstrap, '-P', '-t', topic], {
        input: 'k=v\n',
        timeoutMs: RUN_MS,
      })
      expect(result.exitCode).not.toBe(0)
      expect(result.stderr).toMatch(/broker might require SASL authentication/)
      expect(await topicExists(brokers.saslPlaintext, topic)).toBe(false)
    },
    TEST_MS,
  )
})
