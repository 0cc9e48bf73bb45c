/**
 * @platformatic/kafka as an idempotent producer (idempotent: true) against a
 * broker that loses produce answers after storing the batches (the
 * test-only closeAfterHandling fault). The client sees the connection close, sends
 * the same batches again with the same sequence numbers (it advances them
 * only on success), the broker answers them as duplicates, and every record
 * is stored exactly once. The same run with idempotence off stores
 * duplicates, which shows the lost answers really cause resends.
 *
 * platformatic sends InitProducerId v3+ with producer id 0 and epoch 0 before
 * it holds an id; the broker never hands out id 0, so that gets a new id.
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

const { module: platformatic, availability } = await importClient(
  '@platformatic/kafka',
  () => import('@platformatic/kafka'),
)

const PARTITIONS = 3
const RECORDS = 1000
/** Records per send(): one Produce request with a batch per partition. */
const SEND_CHUNK = 40
const PLAN: LossPlan = { every: 7, drops: 5 }
/** Kafka's proxy counts Produce requests, each carrying a batch per partition: lose one answer in three. */
const KAFKA_PLAN: LossPlan = { every: 3, drops: 5 }
const TEST_MS = 60_000

type Platformatic = NonNullable<typeof platformatic>

async function produceAll(
  lib: Platformatic,
  lossy: LossyBroker,
  topic: string,
  idempotent: boolean,
  records: WorkloadRecord[],
): Promise<bigint | undefined> {
  const producer = new lib.Producer({
    clientId: 'sluice-compat-platformatic-idempotence',
    bootstrapBrokers: [lossy.broker.bootstrap],
    idempotent,
    retries: 10,
    retryDelay: 50,
    timeout: 10_000,
    autocreateTopics: false,
  })
  try {
    for (let at = 0; at < records.length; at += SEND_CHUNK) {
      await producer.send({
        acks: lib.ProduceAcks.ALL,
        messages: records.slice(at, at + SEND_CHUNK).map((r) => ({
          topic,
          key: r.key,
          value: r.value ?? undefined,
          headers: new Map(r.headers.map(([k, v]) => [Buffer.from(k, 'utf8'), v])),
          timestamp: BigInt(r.timestamp),
        })),
      })
    }
    return producer.producerId
  } finally {
    await producer.close()
  }
}

/**
 * Declares the @platformatic/kafka idempotent producer suite against `target` (lossy-broker.ts: a fault loses
 * the answers in the embedded broker, a proxy in front of Kafka).
 */
export function platformaticIdempotenceSuite(target: CompatTarget): void {
  describeWithClient(
    target === 'kafka'
      ? '@platformatic/kafka idempotent producer [kafka]'
      : '@platformatic/kafka idempotent producer',
    availability,
    () => {
      const lib = platformatic as Platformatic
      const start = lossyBrokers(target)
      const plan = target === 'kafka' ? KAFKA_PLAN : PLAN
      const firstTimestamp = Math.floor(Date.now() / 1000) * 1000 - 3_600_000

      it(
        'resends batches whose answers were lost and stores every record once',
        async () => {
          const lossy = await start(plan)
          await createTopic(lossy.broker.bootstrap, 'platformatic-idempotent', PARTITIONS)
          const records = makeWorkload('platformatic-idempotent', firstTimestamp, RECORDS)
          const producerId = await produceAll(lib, lossy, 'platformatic-idempotent', true, records)
          // Kafka hands out id 0 first; the embedded broker starts at 1 (README, known differences)
          expect(producerId).toBeGreaterThanOrEqual(0n)
          const stored = await expectStoredOnce(lossy, plan, 'platformatic-idempotent', PARTITIONS, records)
          expect(stored.producerIds).toEqual(new Set([producerId]))
        },
        TEST_MS,
      )

      it(
        'stores duplicates under the same losses when idempotence is off (the control)',
        async () => {
          const lossy = await start(plan)
          await createTopic(lossy.broker.bootstrap, 'platformatic-plain', PARTITIONS)
          const records = makeWorkload('platformatic-plain', firstTimestamp, RECORDS)
          await produceAll(lib, lossy, 'platformatic-plain', false, records)
          expect(await countStoredCopies(lossy, 'platformatic-plain', PARTITIONS, records)).toBeGreaterThan(0)
        },
        TEST_MS,
      )
    },
  )
}
