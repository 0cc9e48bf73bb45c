import { afterAll, beforeAll, expect, it } from 'vitest'
import { BrokerHarness } from '../support/broker.js'
import { describeWithClient } from '../support/external-client.js'
import { importClient } from '../support/npm-client.js'
import {
  MECHANISMS,
  type Mechanism,
  readTls,
  type SecureBrokers,
  startSecureBrokers,
  TLS_FILES,
  topicExists,
  USERS,
  WRONG_PASSWORD,
} from './secure-brokers.js'

/**
 * kafkajs 2.2.4 logs in with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 over
 * SASL_PLAINTEXT and SASL_SSL (SaslHandshake v1 + SaslAuthenticate), and with
 * a client certificate over mutual TLS; it produces three records and reads
 * them back through a consumer group. A wrong password fails with kafkajs's
 * SASL authentication error, no login at all with a closed connection, and
 * neither writes anything.
 */

const { module: kafkajs, availability } = await importClient('kafkajs', () => import('kafkajs'))
const TEST_MS = 40_000

type KafkaConfig = import('kafkajs').KafkaConfig

const SASL_NAMES: Record<Mechanism, 'plain' | 'scram-sha-256' | 'scram-sha-512'> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
}

function client(bootstrap: string, extra: Partial<KafkaConfig>) {
  const { Kafka, logLevel } = kafkajs!
  return new Kafka({
    clientId: 'sasl-compat',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 5000,
    ...extra,
  } as KafkaConfig)
}

function sasl(mechanism: Mechanism, password?: string): KafkaConfig['sasl'] {
  const user = USERS[mechanism]
  return {
    mechanism: SASL_NAMES[mechanism],
    username: user.name,
    password: password ?? user.password,
  } as KafkaConfig['sasl']
}

async function roundTrip(kafka: import('kafkajs').Kafka, topic: string): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: true })
  await producer.connect()
  await producer.send({
    topic,
    messages: [
      { key: 'k1', value: 'first' },
      { key: 'k2', value: 'second ✓' },
      { key: 'k3', value: 'third' },
    ],
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
          if (read.length === 3) resolve()
        },
      })
      .catch(reject)
  })
  await consumer.disconnect()
  expect(read).toEqual(['k1=first', 'k2=second ✓', 'k3=third'])
}

describeWithClient('kafkajs with SASL and TLS', availability, () => {
  const harness = new BrokerHarness()
  let brokers: SecureBrokers
  const ca = [readTls(TLS_FILES.ca)]

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
          const tls = protocol === 'SASL_SSL'
          const broker = tls ? brokers.saslSsl : brokers.saslPlaintext
          const kafka = client(broker.bootstrap, { sasl: sasl(mechanism), ...(tls ? { ssl: { ca } } : {}) })
          await roundTrip(kafka, `kafkajs-${protocol}-${mechanism}`)
        },
        TEST_MS,
      )
    }
  }

  it.concurrent(
    'produces and consumes over mutual TLS with a client certificate',
    async () => {
      const ssl = { ca, cert: readTls(TLS_FILES.clientCert), key: readTls(TLS_FILES.clientKey) }
      await roundTrip(client(brokers.mutualTls.bootstrap, { ssl }), 'kafkajs-mtls')
    },
    TEST_MS,
  )

  for (const mechanism of MECHANISMS) {
    it.concurrent(
      `fails with a SASL authentication error for a wrong ${mechanism} password and writes nothing`,
      async () => {
        const topic = `kafkajs-denied-${mechanism}`
        const producer = client(brokers.saslSsl.bootstrap, {
          sasl: sasl(mechanism, WRONG_PASSWORD),
          ssl: { ca },
        }).producer()
        const failure = await producer
          .connect()
          .then(() => producer.send({ topic, messages: [{ value: 'must not be written' }] }))
          .then(
            () => null,
            (err: Error) => err,
          )
        await producer.disconnect()
        expect(failure?.name).toBe('KafkaJSSASLAuthenticationError')
        expect(failure?.message).toMatch(/Authentication failed/)
        expect(await topicExists(brokers.saslSsl, topic, true)).toBe(false)
      },
      TEST_MS,
    )
  }

  it.concurrent(
    'is refused without a login and writes nothing',
    async () => {
      const topic = 'kafkajs-anonymous'
      const producer = client(brokers.saslPlaintext.bootstrap, {}).producer()
      const failure = await producer
        .connect()
        .then(() => producer.send({ topic, messages: [{ value: 'must not be written' }] }))
        .then(
          () => null,
          (err: Error) => err,
        )
      await producer.disconnect()
      // its Metadata request before a login makes the broker close the connection
      expect(failure?.message).toMatch(/Closed connection/)
      expect(await topicExists(brokers.saslPlaintext, topic)).toBe(false)
    },
    TEST_MS,
  )
})
