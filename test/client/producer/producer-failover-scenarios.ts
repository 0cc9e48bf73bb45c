import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Cluster } from '../../../src/client/cluster/cluster.js'
import { keyPartition } from '../../../src/client/producer/murmur2.js'
import { describeEachTarget, type TargetName } from '../../kafka/targets.js'
import { ClientHarness } from '../support/client-for.js'
import { rawCluster } from '../support/raw-client.js'
import { readPartition } from '../support/read-back.js'

const PARTITIONS = 3
const RECORDS = 20_000

/**
 * acks all with idempotence while a broker dies (Kafka: SIGKILL of one of
 * three, min.insync.replicas 2; embedded: a stopped node): every record is
 * acknowledged, and each partition holds exactly what was sent to it, once,
 * in send order.
 */
export function producerFailoverScenarios(targets: readonly TargetName[]): void {
  describeEachTarget('producer failover (3 brokers, acks all)', { brokers: 3, targets }, (target) => {
    const clients = new ClientHarness()
    let raw: Cluster
    beforeAll(() => {
      raw = rawCluster({ brokers: target().bootstrap })
    })
    afterAll(() => raw.close())
    afterEach(() => clients.closeAll())

    it('loses no acknowledged record and stores no duplicate when a broker is killed mid-run', async () => {
      const topic = `failover-${Math.random().toString(36).slice(2, 8)}`
      const admin = clients.admin({ brokers: target().bootstrap, defaultApiTimeoutMs: 60_000 })
      await admin.createTopics([{ topic, partitions: PARTITIONS, replicationFactor: 3 }])
      const producer = clients.producer(
        { brokers: target().bootstrap, requestTimeoutMs: 5_000 },
        { acks: 'all', lingerMs: 2, deliveryTimeoutMs: 110_000 },
      )
      const victim = (await admin.describeTopics([topic]))[0].partitions[0].leader
      const sends: Promise<unknown>[] = []
      for (let i = 0; i < RECORDS; i++) {
        if (i === RECORDS / 4) await target().killNode(victim)
        sends.push(producer.send({ topic, key: `key-${i % 101}`, value: String(i) }))
        // let the sender run now and then, so the kill lands while batches are in flight
        if (i % 500 === 499) await new Promise((resolve) => setTimeout(resolve, 5))
      }
      const outcomes = await Promise.allSettled(sends)
      const failed = outcomes
        .filter((o) => o.status === 'rejected')
        .map((o) => String((o as PromiseRejectedResult).reason))
      expect(failed.slice(0, 3)).toEqual([])
      await target().startNode(victim)
      for (let p = 0; p < PARTITIONS; p++) {
        const stored = (await readPartition(raw, topic, p)).map((r) => Number(r.value))
        const expected = [...Array(RECORDS).keys()].filter(
          (i) => keyPartition(Buffer.from(`key-${i % 101}`), PARTITIONS) === p,
        )
        expect(stored.length).toBe(expected.length)
        expect(stored).toEqual(expected)
      }
    }, 180_000)
  })
}
