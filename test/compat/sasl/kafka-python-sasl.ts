import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import type { CompatTarget } from '../support/broker.js'
import { probePythonModule } from '../support/external-client.js'
import { runSaslScript, scriptRoundTrip } from './python-sasl.js'
import { describeSaslClient } from './sasl-suite.js'

/**
 * kafka-python 2.0 logs in with the legacy flow (SaslHandshake v0, then raw
 * size-prefixed tokens outside Kafka framing), with PLAIN, SCRAM-SHA-256 and
 * SCRAM-SHA-512, over SASL_PLAINTEXT and SASL_SSL; it produces three records
 * and reads them back. With a wrong password it gives up; kafka-python
 * reports that as NoBrokersAvailable (it hides the login failure inside its
 * broker version probe), and nothing is written.
 */

const SCRIPT = fileURLToPath(new URL('./kafka_python_sasl.py', import.meta.url))

/** Declares the kafka-python SASL/TLS suite against `target`. */
export function kafkaPythonSaslSuite(target: CompatTarget): void {
  describeSaslClient(
    'kafka-python with SASL and TLS',
    probePythonModule('kafka'),
    {
      topicPrefix: 'kp',
      roundTrip: (bootstrap, security, topic) => scriptRoundTrip(SCRIPT, bootstrap, security, topic),
      // kafka_python_sasl.py takes no client certificate
      mutualTls: false,
      wrongPassword: {
        outcome: 'gives up',
        protocol: 'SASL_PLAINTEXT',
        mechanisms: ['SCRAM-SHA-256'],
        async expectRefused(bootstrap, security, topic) {
          const lines = await runSaslScript(SCRIPT, 'denied', bootstrap, security, topic, ['--timeout', '5'])
          expect(lines).toEqual([{ type: 'error', name: 'NoBrokersAvailable', str: 'NoBrokersAvailable' }])
        },
      },
    },
    target,
  )
}
