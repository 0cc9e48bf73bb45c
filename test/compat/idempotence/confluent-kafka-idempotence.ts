/**
 * confluent-kafka for Python (librdkafka) with enable.idempotence=True
 * against a broker that loses produce answers after storing the batches
 * (the test-only closeAfterHandling fault), through
 * confluent_idempotent_produce.py beside this file. librdkafka keeps up to
 * five produce requests in flight, so a closed connection loses several
 * answers at once; it sends those batches again with their sequence numbers,
 * the broker answers the stored ones as duplicates, and every record is
 * stored exactly once, in order. The same run with idempotence off (and
 * retries on) stores duplicates, which shows the lost answers really cause
 * resends.
 */
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import type { CompatTarget } from '../support/broker.js'
import {
  describeWithClient,
  jsonLines,
  PYTHON,
  probePythonModule,
  runChecked,
} from '../support/external-client.js'
import { makeWorkload, type WorkloadRecord } from '../support/workload.js'
import {
  countStoredCopies,
  createTopic,
  expectStoredOnce,
  type LossPlan,
  type LossyBroker,
  lossyBrokers,
} from './lossy-broker.js'

const SCRIPT = fileURLToPath(new URL('./confluent_idempotent_produce.py', import.meta.url))
const PARTITIONS = 3
const RECORDS = 1000
/** librdkafka batches more records per request than the JS clients are given per send: lose answers more often. */
const PLAN: LossPlan = { every: 4, drops: 5 }
/** Kafka's proxy counts Produce requests, each carrying a batch per partition: lose one answer in three. */
const KAFKA_PLAN: LossPlan = { every: 3, drops: 5 }
/** Records per batch: small, so that a run makes dozens of produce requests. */
const BATCH_MESSAGES = 20
const RUN_MS = 45_000
const TEST_MS = 60_000

interface Delivery {
  type: string
  seq: number
  partition: number
  offset: number
  error: string | null
}

function b64(data: Buffer | null): string | null {
  return data === null ? null : data.toString('base64')
}

async function produceAll(
  lossy: LossyBroker,
  topic: string,
  idempotence: 'on' | 'off',
  records: WorkloadRecord[],
): Promise<Delivery[]> {
  const input = records
    .map((r) =>
      JSON.stringify({
        key: b64(r.key),
        value: b64(r.value),
        headers: r.headers.map(([name, value]) => [name, b64(value)]),
        timestamp: r.timestamp,
      }),
    )
    .join('\n')
  const result = await runChecked(
    PYTHON,
    [
      SCRIPT,
      '--bootstrap',
      lossy.broker.bootstrap,
      '--topic',
      topic,
      '--idempotence',
      idempotence,
      '--batch-messages',
      String(BATCH_MESSAGES),
      '--timeout',
      '30',
    ],
    { input: `${input}\n`, timeoutMs: RUN_MS },
  )
  const lines = jsonLines<Delivery>(result.stdout)
  expect(lines.at(-1)).toEqual({ type: 'produced', count: records.length })
  return lines.filter((l) => l.type === 'delivery')
}

/**
 * Declares the confluent-kafka (librdkafka) idempotent producer suite against `target` (lossy-broker.ts: a fault loses
 * the answers in the embedded broker, a proxy in front of Kafka).
 */
export function confluentIdempotenceSuite(target: CompatTarget): void {
  describeWithClient(
    target === 'kafka'
      ? 'confluent-kafka (librdkafka) idempotent producer [kafka]'
      : 'confluent-kafka (librdkafka) idempotent producer',
    probePythonModule('confluent_kafka'),
    () => {
      const start = lossyBrokers(target)
      const plan = target === 'kafka' ? KAFKA_PLAN : PLAN
      const firstTimestamp = Math.floor(Date.now() / 1000) * 1000 - 3_600_000

      it(
        'resends batches whose answers were lost and stores every record once',
        async () => {
          const lossy = await start(plan)
          await createTopic(lossy.broker.bootstrap, 'confluent-idempotent', PARTITIONS)
          const records = makeWorkload('confluent-idempotent', firstTimestamp, RECORDS)
          const deliveries = await produceAll(lossy, 'confluent-idempotent', 'on', records)
          const checked = await expectStoredOnce(lossy, plan, 'confluent-idempotent', PARTITIONS, records)
          // every delivery report names where the record really is, retried ones included
          expect(deliveries.length).toBe(records.length)
          const where = new Map<number, string>()
          for (const [partition, inPartition] of checked.byPartition.entries()) {
            for (const [offset, r] of inPartition.entries()) where.set(r.index, `${partition}/${offset}`)
          }
          for (const d of deliveries) {
            expect(d.error).toBeNull()
            expect(`${d.partition}/${d.offset}`, `record ${d.seq}`).toBe(where.get(d.seq))
          }
        },
        TEST_MS,
      )

      it(
        'stores duplicates under the same losses when idempotence is off (the control)',
        async () => {
          const lossy = await start(plan)
          await createTopic(lossy.broker.bootstrap, 'confluent-plain', PARTITIONS)
          const records = makeWorkload('confluent-plain', firstTimestamp, RECORDS)
          await produceAll(lossy, 'confluent-plain', 'off', records)
          expect(await countStoredCopies(lossy, 'confluent-plain', PARTITIONS, records)).toBeGreaterThan(0)
        },
        TEST_MS,
      )
    },
  )
}
