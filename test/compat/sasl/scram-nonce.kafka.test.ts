import { expect, it } from 'vitest'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { ScramClient } from '../../broker/support/sasl-client.js'
import { WireClient } from '../../broker/support/wire-client.js'
import { describeEachTarget } from '../../kafka/targets.js'

/**
 * librdkafka before 2.6.1 (Debian 12 ships 2.0.2, under kcat and
 * confluent-kafka) writes its own nonce in front of the server's in the SCRAM
 * client-final message: `r=<client nonce><client nonce><server nonce>`
 * instead of repeating the server-first nonce. The embedded broker accepts
 * that form so those clients can log in with SCRAM; Apache Kafka 4.1 refuses
 * it ("Invalid client nonce in the final client message", answered as
 * SASL_AUTHENTICATION_FAILED). A known difference, listed in README; this
 * pins down both answers to the same bytes.
 */

const user = { name: 'nonce-user', password: 'nonce-pass-1' }
const MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const

async function login(
  bootstrap: string,
  mechanism: (typeof MECHANISMS)[number],
  nonce?: (clientNonce: string, serverNonce: string) => string,
) {
  const client = await WireClient.connect(bootstrap)
  try {
    expect((await client.send(Apis.SaslHandshake, 1, { mechanism })).errorCode).toBe(0)
    const scram = ScramClient.for(mechanism, user.name, user.password)
    const first = await client.send(Apis.SaslAuthenticate, 2, { authBytes: scram.first() })
    expect(first.errorCode).toBe(0)
    const final = await client.send(Apis.SaslAuthenticate, 2, {
      authBytes: scram.final(first.authBytes, nonce && ((server) => nonce(scram.nonce, server))),
    })
    return final.errorCode
  } finally {
    await client.close()
  }
}

describeEachTarget(
  'SCRAM final message with the client nonce repeated (librdkafka < 2.6.1)',
  {
    users: MECHANISMS.map((mechanism) => ({ ...user, mechanism })),
    embedded: { maxFailedAuthenticationsPerIp: 0 },
  },
  (target) => {
    for (const mechanism of MECHANISMS) {
      it(`${mechanism}: logs in with the RFC 5802 final message`, async () => {
        expect(await login(target().bootstrap, mechanism)).toBe(0)
      })

      it(`${mechanism}: the librdkafka 2.0 form is accepted by the embedded broker, refused by Kafka`, async () => {
        const code = await login(target().bootstrap, mechanism, (client, server) => client + server)
        // embedded: accepted for librdkafka's sake; Kafka: refused
        const expected = target().name === 'kafka' ? ErrorCode.SASL_AUTHENTICATION_FAILED : 0
        expect(code).toBe(expected)
      })
    }
  },
)
