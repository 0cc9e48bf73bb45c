import { expect } from 'vitest'
import type { CompatTarget } from '../support/broker.js'
import { importClient } from '../support/npm-client.js'
import { describeSaslClient, RECORDS, type Security } from './sasl-suite.js'
import { MECHANISMS, type Mechanism, readTls, TLS_FILES } from './secure-brokers.js'

/**
 * kafkajs 2.2.4 logs in with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 over
 * SASL_PLAINTEXT and SASL_SSL (SaslHandshake v1 + SaslAuthenticate), and with
 * a client certificate over mutual TLS; it produces three records and reads
 * them back through a consumer group. A wrong password fails with kafkajs's
 * SASL authentication error, no login at all with a closed connection, and
 * neither writes anything.
 */

const { module: kafkajs, availability } = await importClient('kafkajs', () => import('kafkajs'))

type KafkaConfig = import('kafkajs').KafkaConfig

const SASL_NAMES: Record<Mechanism, 'plain' | 'scram-sha-256' | 'scram-sha-512'> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
}

/**
 * A kafkajs client for `security`, failing at the first error instead of
 * retrying unless `retries` says otherwise.
 */
function client(bootstrap: string, security: Security, retries = 0) {
  const { Kafka, logLevel } = kafkajs!
  const ca = [readTls(TLS_FILES.ca)]
  let extra: Partial<KafkaConfig> = {}
  if (security.protocol === 'SSL') {
    extra = { ssl: { ca, cert: readTls(security.cert), key: readTls(security.key) } }
  } else if (security.protocol !== 'PLAINTEXT') {
    const sasl = {
      mechanism: SASL_NAMES[security.mechanism],
      username: security.username,
      password: security.password,
    } as KafkaConfig['sasl']
    extra = { sasl, ...(security.protocol === 'SASL_SSL' ? { ssl: { ca } } : {}) }
  }
  return new Kafka({
    clientId: 'sasl-compat',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries, initialRetryTime: 100 },
    connectionTimeout: 5000,
    ...extra,
  } as KafkaConfig)
}

/** Connects a producer and sends one record; returns the error it failed with, or null. */
async function failureToWrite(bootstrap: string, security: Security, topic: string): Promise<Error | null> {
  const producer = client(bootstrap, security).producer()
  const failure = await producer
    .connect()
    .then(() => producer.send({ topic, messages: [{ value: 'must not be written' }] }))
    .then(
      () => null,
      (err: Error) => err,
    )
  await producer.disconnect()
  return failure
}

/** Declares the kafkajs SASL/TLS suite against `target`. */
export function kafkajsSaslSuite(target: CompatTarget): void {
  describeSaslClient(
    'kafkajs with SASL and TLS',
    availability,
    {
      topicPrefix: 'kafkajs',
      async roundTrip(bootstrap, security, topic) {
        // Kafka answers the Metadata that auto-creates the topic with UNKNOWN_TOPIC_OR_PARTITION
        // and serves it a moment later; kafkajs must retry that like any client
        const kafka = client(bootstrap, security, 5)
        const producer = kafka.producer({ allowAutoTopicCreation: true })
        await producer.connect()
        await producer.send({
          topic,
          messages: RECORDS.map((record) => {
            const [key, value] = record.split('=')
            return { key, value }
          }),
        })
        await producer.disconnect()

        const consumer = kafka.consumer({
          groupId: `${topic}-group`,
          sessionTimeout: 10_000,
          heartbeatInterval: 500,
        })
        await consumer.connect()
        await consumer.subscribe({ topics: [topic], fromBeginning: true })
        const read: string[] = []
        await new Promise<void>((resolve, reject) => {
          consumer
            .run({
              eachMessage: async ({ message }) => {
                read.push(`${message.key?.toString()}=${message.value?.toString()}`)
                if (read.length === RECORDS.length) resolve()
              },
            })
            .catch(reject)
        })
        await consumer.disconnect()
        return { read }
      },
      mutualTls: true,
      wrongPassword: {
        outcome: 'fails with a SASL authentication error',
        protocol: 'SASL_SSL',
        mechanisms: MECHANISMS,
        async expectRefused(bootstrap, security, topic) {
          const failure = await failureToWrite(bootstrap, security, topic)
          expect(failure?.name).toBe('KafkaJSSASLAuthenticationError')
          expect(failure?.message).toMatch(/Authentication failed/)
        },
      },
      anonymous: {
        outcome: 'is refused',
        async expectRefused(bootstrap, security, topic) {
          const failure = await failureToWrite(bootstrap, security, topic)
          // its Metadata request before a login makes the broker close the connection
          expect(failure?.message).toMatch(/Closed connection/)
        },
      },
    },
    target,
  )
}
