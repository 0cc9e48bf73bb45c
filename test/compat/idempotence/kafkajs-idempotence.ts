/**
 * kafkajs 2.2.4 as an idempotent producer (idempotent: true,
 * maxInFlightRequests: 1) against a broker that loses produce answers after
 * storing the batches (the test-only closeAfterHandling fault). kafkajs sees the
 * connection close, sends the same batches again with the same sequence
 * numbers, the broker answers them as duplicates, and every record is
 * stored exactly once. The same run with idempotence off stores duplicates,
 * which shows the lost answers really cause resends.
 */
import { expect, it } from 'vitest'
import type { CompatTarget } from '../support/broker.js'
import { describeWithClient } from '../support/external-client.js'
import { importClient } from '../support/npm-client.js'
import { makeWorkload, type WorkloadRecord } from '../support/workload.js'
import {
  countStoredCopies,
  createTopic,
  expectStoredOnce,
  type LossPlan,
  type LossyBroker,
  lossyBrokers,
} from './lossy-broker.js'

const { module: kafkajs, availability } = await importClient('kafkajs', () => import('kafkajs'))

const PARTITIONS = 3
const RECORDS = 1000
/** Records per send: each send is one Produce request with a batch per partition. */
const SEND_CHUNK = 40
const PLAN: LossPlan = { every: 7, drops: 5 }
/** Kafka's proxy counts Produce requests, each carrying a batch per partition: lose one answer in three. */
const KAFKA_PLAN: LossPlan = { every: 3, drops: 5 }
const TEST_MS = 60_000

type Kafkajs = NonNullable<typeof kafkajs>

async function produceAll(
  lib: Kafkajs,
  lossy: LossyBroker,
  topic: string,
  idempotent: boolean,
  records: WorkloadRecord[],
) {
  const kafka = new lib.Kafka({
    clientId: 'sluice-compat-kafkajs-idempotence',
    brokers: [lossy.broker.bootstrap],
    logLevel: lib.logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 },
  })
  const producer = kafka.producer({
    idempotent,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: lib.Partitioners.DefaultPartitioner,
  })
  await producer.connect()
  try {
    for (let at = 0; at < records.length; at += SEND_CHUNK) {
      const result = await producer.send({
        topic,
        acks: -1,
        messages: records.slice(at, at + SEND_CHUNK).map((r) => ({
          key: r.key,
          value: r.value,
          headers: Object.fromEntries(r.headers),
          timestamp: String(r.timestamp),
        })),
      })
      for (const meta of result) expect(meta.errorCode, `send at ${at}`).toBe(0)
    }
  } finally {
    await producer.disconnect()
  }
}

/**
 * Declares the kafkajs idempotent producer suite against `target` (lossy-broker.ts: a fault loses
 * the answers in the embedded broker, a proxy in front of Kafka).
 */
export function kafkajsIdempotenceSuite(target: CompatTarget): void {
  describeWithClient(
    target === 'kafka' ? 'kafkajs idempotent producer [kafka]' : 'kafkajs idempotent producer',
    availability,
    () => {
      const lib = kafkajs as Kafkajs
      const start = lossyBrokers(target)
      const plan = target === 'kafka' ? KAFKA_PLAN : PLAN
      const firstTimestamp = Math.floor(Date.now() / 1000) * 1000 - 3_600_000

      it(
        'resends batches whose answers were lost and stores every record once',
        async () => {
          const lossy = await start(plan)
          await createTopic(lossy.broker.bootstrap, 'kafkajs-idempotent', PARTITIONS)
          const records = makeWorkload('kafkajs-idempotent', firstTimestamp, RECORDS)
          await produceAll(lib, lossy, 'kafkajs-idempotent', true, records)
          await expectStoredOnce(lossy, plan, 'kafkajs-idempotent', PARTITIONS, records)
        },
        TEST_MS,
      )

      it(
        'stores duplicates under the same losses when idempotence is off (the control)',
        async () => {
          const lossy = await start(plan)
          await createTopic(lossy.broker.bootstrap, 'kafkajs-plain', PARTITIONS)
          const records = makeWorkload('kafkajs-plain', firstTimestamp, RECORDS)
          await produceAll(lib, lossy, 'kafkajs-plain', false, records)
          expect(await countStoredCopies(lossy, 'kafkajs-plain', PARTITIONS, records)).toBeGreaterThan(0)
        },
        TEST_MS,
      )
    },
  )
}
