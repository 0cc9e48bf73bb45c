import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import type { CompatTarget } from '../support/broker.js'
import { PYTHON, probePythonModule } from '../support/external-client.js'
import { runSaslScript, scriptRoundTrip } from './python-sasl.js'
import { describeSaslClient, type Security } from './sasl-suite.js'

/**
 * confluent-kafka for Python (librdkafka) logs in with PLAIN, SCRAM-SHA-256
 * and SCRAM-SHA-512 over SASL_PLAINTEXT and SASL_SSL, and with a client
 * certificate over mutual TLS; it produces three records and reads them back.
 * A wrong password is reported as an authentication error and no login at all
 * as a refused connection, and neither writes anything.
 */

const SCRIPT = fileURLToPath(new URL('./confluent_sasl.py', import.meta.url))
const confluent = probePythonModule('confluent_kafka')
/** The librdkafka confluent-kafka runs on: libversion() is ('2.0.2', 0x20002ff). */
const librdkafkaVersion = confluent.available
  ? spawnSync(PYTHON, ['-c', 'import confluent_kafka; print(confluent_kafka.libversion()[0])'], {
      encoding: 'utf8',
    }).stdout.trim()
  : undefined

/** The errors librdkafka reported through error_cb while it tried to write. */
async function reportedErrors(bootstrap: string, security: Security, topic: string) {
  const lines = await runSaslScript(SCRIPT, 'denied', bootstrap, security, topic)
  return lines.filter((l) => l.type === 'error')
}

/** Declares the confluent-kafka SASL/TLS suite against `target`. */
export function confluentSaslSuite(target: CompatTarget): void {
  describeSaslClient(
    'confluent-kafka with SASL and TLS',
    confluent,
    {
      topicPrefix: 'py',
      librdkafkaVersion,
      roundTrip: (bootstrap, security, topic) => scriptRoundTrip(SCRIPT, bootstrap, security, topic),
      mutualTls: true,
      wrongPassword: {
        outcome: 'reports an authentication error',
        protocol: 'SASL_SSL',
        mechanisms: ['SCRAM-SHA-512'],
        async expectRefused(bootstrap, security, topic) {
          const errors = await reportedErrors(bootstrap, security, topic)
          expect(
            errors.some((e) => e.name === '_AUTHENTICATION' && /Authentication failed/.test(e.str ?? '')),
          ).toBe(true)
        },
      },
      anonymous: {
        outcome: 'is refused',
        async expectRefused(bootstrap, security, topic) {
          const errors = await reportedErrors(bootstrap, security, topic)
          expect(errors.some((e) => /broker might require SASL authentication/.test(e.str ?? ''))).toBe(true)
        },
      },
    },
    target,
  )
}
