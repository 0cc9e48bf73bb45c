import { spawnSync } from 'node:child_process'
import { expect, it } from 'vitest'
import type { CompatTarget } from '../support/broker.js'
import { probe, run, runChecked } from '../support/external-client.js'
import { describeSaslClient, RECORDS, type Security } from './sasl-suite.js'
import { MECHANISMS, TLS_FILES } from './secure-brokers.js'

/**
 * kcat (librdkafka 2.0) logs in to the embedded broker with PLAIN,
 * SCRAM-SHA-256 and SCRAM-SHA-512, over plain TCP (SASL_PLAINTEXT) and over
 * TLS (SASL_SSL), and with a client certificate (mutual TLS); it produces
 * three records and reads them back. A wrong password, no login at all and a
 * certificate from another CA are refused, and nothing gets written.
 *
 * Note: librdkafka before 2.6.1 repeats its own nonce in the SCRAM final
 * message; the embedded broker accepts that form, Apache Kafka 4.1 refuses
 * it, so against Kafka the SCRAM cases check the refusal
 * (scram-nonce.kafka.test.ts pins down both answers).
 */

const kcat = probe('kcat', ['-V'])
/** `kcat -V` ends with `(..., librdkafka 2.0.2 builtin.features=...)`. */
const librdkafkaVersion = kcat.available
  ? /librdkafka (\d+\.\d+\.\d+)/.exec(spawnSync('kcat', ['-V'], { encoding: 'utf8' }).stdout)?.[1]
  : undefined
const RUN_MS = 20_000
const TEST_MS = 40_000

/** librdkafka settings (-X) for `security`; none at all without a login. */
function securityArgs(security: Security): string[] {
  switch (security.protocol) {
    case 'PLAINTEXT':
      return []
    case 'SSL':
      return [
        '-X',
        'security.protocol=SSL',
        '-X',
        `ssl.ca.location=${TLS_FILES.ca}`,
        '-X',
        `ssl.certificate.location=${security.cert}`,
        '-X',
        `ssl.key.location=${security.key}`,
      ]
    default:
      return [
        '-X',
        `security.protocol=${security.protocol}`,
        '-X',
        `sasl.mechanisms=${security.mechanism}`,
        '-X',
        `sasl.username=${security.username}`,
        '-X',
        `sasl.password=${security.password}`,
        ...(security.protocol === 'SASL_SSL' ? ['-X', `ssl.ca.location=${TLS_FILES.ca}`] : []),
      ]
  }
}

/** Produces one record to `topic`; a refused login makes kcat exit non-zero. */
function produceOne(bootstrap: string, security: Security, topic: string) {
  return run('kcat', ['-b', bootstrap, ...securityArgs(security), '-P', '-t', topic], {
    input: 'k=v\n',
    timeoutMs: RUN_MS,
  })
}

/** Declares the kcat SASL/TLS suite against `target`. */
export function kcatSaslSuite(target: CompatTarget): void {
  describeSaslClient(
    'kcat with SASL and TLS',
    kcat,
    {
      topicPrefix: 'kcat',
      librdkafkaVersion,
      async roundTrip(bootstrap, security, topic) {
        const args = ['-b', bootstrap, ...securityArgs(security)]
        await runChecked('kcat', [...args, '-P', '-t', topic, '-K', '='], {
          input: `${RECORDS.join('\n')}\n`,
          timeoutMs: RUN_MS,
        })
        const read = await runChecked(
          'kcat',
          [...args, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k=%s\\n'],
          { timeoutMs: RUN_MS },
        )
        return { read: read.stdout.split('\n').filter((l) => l !== '') }
      },
      mutualTls: true,
      wrongPassword: {
        outcome: 'reports an authentication failure',
        protocol: 'SASL_PLAINTEXT',
        mechanisms: MECHANISMS,
        async expectRefused(bootstrap, security, topic) {
          const result = await produceOne(bootstrap, security, topic)
          expect(result.exitCode).not.toBe(0)
          expect(result.stderr).toMatch(/Authentication failed/)
        },
      },
      anonymous: {
        outcome: 'is refused',
        async expectRefused(bootstrap, security, topic) {
          const result = await produceOne(bootstrap, security, topic)
          expect(result.exitCode).not.toBe(0)
          expect(result.stderr).toMatch(/broker might require SASL authentication/)
        },
      },
      more(brokers) {
        it.concurrent(
          'is refused with a client certificate another CA signed',
          async () => {
            const security: Security = { protocol: 'SSL', cert: TLS_FILES.rogueCert, key: TLS_FILES.rogueKey }
            const result = await run(
              'kcat',
              ['-b', brokers().mutualTls.bootstrap, ...securityArgs(security), '-L', '-m', '3'],
              { timeoutMs: RUN_MS },
            )
            expect(result.exitCode).not.toBe(0)
            expect(result.stdout).not.toMatch(/topics:/)
          },
          TEST_MS,
        )
      },
    },
    target,
  )
}
