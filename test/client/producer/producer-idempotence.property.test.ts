import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningCluster, startCluster } from '../../../src/broker/index.js'
import type { Cluster } from '../../../src/client/cluster/cluster.js'
import { keyPartition } from '../../../src/client/producer/murmur2.js'
import { ClientHarness } from '../support/client-for.js'
import { rawCluster } from '../support/raw-client.js'
import { readPartition } from '../support/read-back.js'

type Fault =
  | { kind: 'lose-answer'; at: number }
  | { kind: 'move-leader'; at: number; partition: number; node: number }
  | { kind: 'not-leader'; at: number; partition: number; times: number }
  | { kind: 'slow-answers'; at: number; ms: number; times: number }

const PARTITIONS = 3

const faultArb = (records: number): fc.Arbitrary<Fault> => {
  const at = fc.integer({ min: 0, max: records - 1 })
  return fc.oneof(
    fc.record({ kind: fc.constant('lose-answer' as const), at }),
    fc.record({
      kind: fc.constant('move-leader' as const),
      at,
      partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
      node: fc.integer({ min: 1, max: 3 }),
    }),
    fc.record({
      kind: fc.constant('not-leader' as const),
      at,
      partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
      times: fc.integer({ min: 1, max: 3 }),
    }),
    fc.record({
      kind: fc.constant('slow-answers' as const),
      at,
      ms: fc.integer({ min: 5, max: 80 }),
      times: fc.integer({ min: 1, max: 4 }),
    }),
  )
}

/**
 * With idempotence on, whatever happens to requests on the way — answers
 * lost after the broker stored the batch, leaders that move, leaders that
 * refuse, answers that are late — every record is acknowledged, stored
 * exactly once, and stored in the order it was sent within its partition.
 */
describe('idempotent producer under random faults (3-node embedded cluster)', () => {
  let cluster: RunningCluster
  let raw: Cluster
  const clients = new ClientHarness()
  let run = 0

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, port: 0, logger: 'silent', faultInjection: true })
    raw = rawCluster({ brokers: cluster.bootstrap })
  })
  afterAll(async () => {
    await clients.closeAll()
    await raw.close()
    await cluster.close()
  })

  function apply(fault: Fault, topic: string): void {
    const faults = cluster.faults
    if (fault.kind === 'lose-answer') faults.closeAfterHandling('Produce', { times: 1 })
    else if (fault.kind === 'move-leader') {
      if (cluster.nodes.find((n) => n.nodeId === fault.node)?.running)
        cluster.moveLeader(topic, fault.partition, fault.node)
    } else if (fault.kind === 'not-leader') {
      faults.failNext('Produce', 'NOT_LEADER_OR_FOLLOWER', {
        topic,
        partition: fault.partition,
        times: fault.times,
      })
    } else faults.delayResponses(fault.ms, { api: 'Produce', times: fault.times })
  }

  it('stores every acknowledged record exactly once, in send order per partition', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 100, max: 400 }).chain((records) =>
          fc.record({
            records: fc.constant(records),
            lingerMs: fc.integer({ min: 0, max: 5 }),
            faults: fc.array(faultArb(records), { minLength: 1, maxLength: 6 }),
          }),
        ),
        async ({ records, lingerMs, faults }) => {
          const topic = `idem-${run++}`
          const admin = clients.admin({ brokers: cluster.bootstrap })
          await admin.createTopics([{ topic, partitions: PARTITIONS, replicationFactor: 3 }])
          const producer = clients.producer(
            { brokers: cluster.bootstrap, requestTimeoutMs: 1_000 },
            { lingerMs, batchBytes: 512, deliveryTimeoutMs: 8_000 },
          )
          const sends: Promise<unknown>[] = []
          for (let i = 0; i < records; i++) {
            for (const f of faults) if (f.at === i) apply(f, topic)
            sends.push(producer.send({ topic, key: `k${i % 13}`, value: String(i) }))
            if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve))
          }
          const outcomes = await Promise.allSettled(sends)
          cluster.faults.clear()
          const failed = outcomes.filter((o) => o.status === 'rejected')
          expect(failed.map((o) => String((o as PromiseRejectedResult).reason))).toEqual([])
          for (let p = 0; p < PARTITIONS; p++) {
            const stored = (await readPartition(raw, topic, p)).map((r) => Number(r.value))
            const expected = [...Array(records).keys()].filter(
              (i) => keyPartition(Buffer.from(`k${i % 13}`), PARTITIONS) === p,
            )
            expect(stored).toEqual(expected)
          }
          await producer.close()
        },
      ),
      { numRuns: 30 },
    )
  }, 120_000)
})
