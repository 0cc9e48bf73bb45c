import { expect } from 'vitest'
import type { AppendedBatch } from '../../../src/broker/index.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { WireClient } from '../../broker/support/wire-client.js'
import type { BrokerHarness, CompatBroker } from '../support/broker.js'
import { readStoredBatches } from '../support/stored-batches.js'
import { type CheckedPartitions, checkReadBack, type WorkloadRecord } from '../support/workload.js'

/**
 * A broker for the idempotence compatibility tests that loses produce
 * answers: through the test-only fault `closeAfterHandling('Produce', { when })`
 * it closes the client's connection right after storing some of the batches,
 * so the client never learns they were stored and sends them again.
 */

export interface LossPlan {
  /** Appends between two lost answers: the 1st append loses its answer, then the (1 + every)th, ... */
  every: number
  /** How many answers are lost in all. */
  drops: number
}

export interface LossyBroker {
  readonly broker: CompatBroker
  /** Every batch stored, in order. */
  readonly appends: AppendedBatch[]
  /** The batches whose answers were lost. */
  readonly dropped: AppendedBatch[]
}

export async function startLossyBroker(harness: BrokerHarness, plan: LossPlan): Promise<LossyBroker> {
  const appends: AppendedBatch[] = []
  const dropped: AppendedBatch[] = []
  const broker = await harness.start({ broker: { faultInjection: true } })
  // Infinity: the predicate sees every append (to check them all) and picks the answers to lose itself
  broker.faults.closeAfterHandling('Produce', {
    times: Number.POSITIVE_INFINITY,
    when: (batch) => {
      appends.push(batch)
      const drop = dropped.length < plan.drops && (appends.length - 1) % plan.every === 0
      if (drop) dropped.push(batch)
      return drop
    },
  })
  return { broker, appends, dropped }
}

/** Creates the topic over Sluice's own wire client, so no client under test is needed for it. */
export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const client = await WireClient.connect(bootstrap)
  try {
    const r = await client.send(Apis.CreateTopics, 7, {
      topics: [{ name: topic, numPartitions: partitions, replicationFactor: 1 }],
      timeoutMs: 5000,
    })
    expect(r.topics[0].errorCode, `creating ${topic}`).toBe(0)
  } finally {
    await client.close()
  }
}

/**
 * Checks, on what the broker stored, that an idempotent client lost answers
 * and still stored every record exactly once, in order: the answers planned
 * to be lost were lost, every stored batch came from an idempotent producer,
 * and reading the partitions back gives each produced record once.
 */
export async function expectStoredOnce(
  lossy: LossyBroker,
  plan: LossPlan,
  topic: string,
  partitions: number,
  produced: readonly WorkloadRecord[],
): Promise<CheckedPartitions> {
  expect(lossy.dropped.length, 'answers lost').toBe(plan.drops)
  const plain = lossy.appends.filter((e) => e.producerId < 0n)
  expect(plain.length, 'batches stored without a producer id').toBe(0)
  const stored = await readStoredBatches(lossy.broker.bootstrap, topic, partitions)
  return checkReadBack(produced, stored.records, partitions)
}

/**
 * The control: a client that is not idempotent, under the same losses,
 * stores some records twice. Shows that the lost answers really make clients
 * send stored batches again, so the idempotent run's clean result means
 * something. Returns how many records were stored more than once.
 */
export async function countStoredCopies(
  lossy: LossyBroker,
  topic: string,
  partitions: number,
  produced: readonly WorkloadRecord[],
): Promise<number> {
  expect(lossy.dropped.length, 'answers lost').toBeGreaterThan(0)
  const stored = await readStoredBatches(lossy.broker.bootstrap, topic, partitions)
  const seqs = stored.records.map((r) => r.headers.find(([k]) => k === 'seq')?.[1]?.toString('utf8'))
  const distinct = new Set(seqs)
  expect(distinct.size, 'every produced record stored at least once').toBe(produced.length)
  return stored.records.length - distinct.size
}
