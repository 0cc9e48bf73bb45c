import { afterAll, afterEach, expect } from 'vitest'
import { Apis } from '../../../src/protocol/messages/index.js'
import { WireClient } from '../../broker/support/wire-client.js'
import { BrokerHarness, type CompatBroker, type CompatTarget } from '../support/broker.js'
import { readStoredBatches } from '../support/stored-batches.js'
import { type CheckedPartitions, checkReadBack, type WorkloadRecord } from '../support/workload.js'
import { LossyProxy } from './lossy-proxy.js'

/**
 * A broker for the idempotence compatibility tests that loses produce
 * answers: it closes the client's connection right after storing some of the
 * batches, so the client never learns they were stored and sends them again.
 * The embedded broker does it through the test-only fault
 * `closeAfterHandling('Produce', { when })`, counting stored batches; Apache
 * Kafka has no faults, so a proxy in front of it (lossy-proxy.ts) drops the
 * answers, counting Produce requests.
 */

export interface LossPlan {
  /**
   * Between two lost answers: stored batches (embedded) or Produce requests
   * (Kafka). The 1st loses its answer, then the (1 + every)th, ...
   */
  every: number
  /** How many answers are lost in all. */
  drops: number
}

export interface LossyBroker {
  /** Clients connect to `broker.bootstrap` (for Kafka, the proxy). */
  readonly broker: CompatBroker
  /** How many produce answers were lost so far. */
  readonly lost: number
}

/**
 * Lossy brokers for one describe block: `start(plan)` in a test gives it a
 * broker losing answers by `plan`. Embedded: a new broker per test, closed
 * after it. Kafka: one Kafka and its proxy for the whole block (a JVM takes
 * seconds to start), the proxy reset to the new plan for each test; tests
 * use their own topics.
 */
export function lossyBrokers(target: CompatTarget): (plan: LossPlan) => Promise<LossyBroker> {
  const harness = new BrokerHarness(target)
  if (target === 'embedded') {
    afterEach(() => harness.cleanup())
    return (plan) => startLossyEmbedded(harness, plan)
  }
  afterAll(() => harness.cleanup())
  let shared: Promise<{ proxy: LossyProxy; broker: CompatBroker }> | undefined
  return async (plan) => {
    shared ??= startProxiedKafka(harness)
    const { proxy, broker } = await shared
    let chosen = 0
    proxy.reset((index) => {
      const drop = chosen < plan.drops && index % plan.every === 0
      if (drop) chosen++
      return drop
    })
    return {
      broker,
      get lost() {
        return proxy.lost
      },
    }
  }
}

async function startLossyEmbedded(harness: BrokerHarness, plan: LossPlan): Promise<LossyBroker> {
  let appends = 0
  let dropped = 0
  const broker = await harness.start({ broker: { faultInjection: true } })
  // Infinity: the predicate sees every append and picks the answers to lose itself
  broker.faults.closeAfterHandling('Produce', {
    times: Number.POSITIVE_INFINITY,
    when: () => {
      const drop = dropped < plan.drops && appends % plan.every === 0
      appends++
      if (drop) dropped++
      return drop
    },
  })
  return {
    broker,
    get lost() {
      return dropped
    },
  }
}

/** Kafka advertising the proxy's port, so clients that follow Metadata come back through it. */
async function startProxiedKafka(
  harness: BrokerHarness,
): Promise<{ proxy: LossyProxy; broker: CompatBroker }> {
  const proxy = await LossyProxy.listen(() => false)
  harness.defer(() => proxy.close())
  const kafka = await harness.start({ kafka: { advertisedPorts: [proxy.port] } })
  proxy.forwardTo(kafka.port)
  const broker: CompatBroker = {
    target: 'kafka',
    bootstrap: `127.0.0.1:${proxy.port}`,
    host: '127.0.0.1',
    port: proxy.port,
    dataDir: kafka.dataDir,
    get faults() {
      return kafka.faults
    },
    restart: () => kafka.restart(),
    close: () => kafka.close(),
  }
  return { proxy, broker }
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
): Promise<CheckedPartitions & { producerIds: ReadonlySet<bigint> }> {
  expect(lossy.lost, 'answers lost').toBe(plan.drops)
  const stored = await readStoredBatches(lossy.broker.bootstrap, topic, partitions)
  const plain = stored.producerIds.filter((id) => id < 0n)
  expect(plain.length, 'batches stored without a producer id').toBe(0)
  return { ...checkReadBack(produced, stored.records, partitions), producerIds: new Set(stored.producerIds) }
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
  expect(lossy.lost, 'answers lost').toBeGreaterThan(0)
  const stored = await readStoredBatches(lossy.broker.bootstrap, topic, partitions)
  const seqs = stored.records.map((r) => r.headers.find(([k]) => k === 'seq')?.[1]?.toString('utf8'))
  const distinct = new Set(seqs)
  expect(distinct.size, 'every produced record stored at least once').toBe(produced.length)
  return stored.records.length - distinct.size
}
