import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Cluster } from '../../../src/client/cluster/cluster.js'
import { describeEachTarget, type TargetName } from '../../kafka/targets.js'
import { ClientHarness } from '../support/client-for.js'
import { joinGroupRaw, produceRaw, rawCluster } from '../support/raw-client.js'

/**
 * A broker killed while the client is in use (Kafka: SIGKILL of one of
 * three; embedded: a stopped node): metadata must lead the client to the
 * new leaders and coordinator, within one call's timeout, with nothing for
 * the application to do. Kafka notices a dead broker only after its session
 * timeout, so these calls get a generous one.
 */
export function failoverScenarios(targets: readonly TargetName[]): void {
  describeEachTarget('client failover (3 brokers)', { brokers: 3, targets }, (target) => {
    const clients = new ClientHarness()
    let raw: Cluster
    const timeoutMs = 90_000
    beforeAll(() => {
      raw = rawCluster({ brokers: target().bootstrap })
    })
    afterAll(() => raw.close())
    afterEach(() => clients.closeAll())

    it('finds the new leaders and the new coordinator after a broker is killed', async () => {
      const admin = clients.admin({ brokers: target().bootstrap, defaultApiTimeoutMs: timeoutMs })
      const topic = `failover-${Math.random().toString(36).slice(2, 8)}`
      const group = `${topic}-group`
      await admin.createTopics([{ topic, partitions: 3, replicationFactor: 3 }])
      for (let p = 0; p < 3; p++) await produceRaw(raw, topic, p, [{ value: `${p}-a` }, { value: `${p}-b` }])
      const member = await joinGroupRaw(raw, group, [topic], 3)
      await member.leave()
      await admin.alterOffsets(group, [{ topic, partition: 0, offset: 1n }])

      const [before] = await admin.describeTopics([topic])
      const victim = before.partitions[0].leader
      await target().killNode(victim)
      try {
        const ends = await admin.listOffsets(
          [0, 1, 2].map((partition) => ({ topic, partition, at: 'latest' as const })),
        )
        expect(ends.map((e) => e.offset)).toEqual([2n, 2n, 2n])
        const [after] = await admin.describeTopics([topic])
        expect(after.partitions[0].leader).not.toBe(victim)
        expect(after.partitions[0].leader).toBeGreaterThanOrEqual(0)
        expect(after.partitions[0].isr).not.toContain(victim)
        // the group's offsets survive, wherever its coordinator went. Kafka 4.1 once answered
        // OffsetFetch right after the coordinator's node was killed with offset -1 and no error
        // (one CI run of several; not yet explained): asked again until it shows, for 20 s at most
        const deadline = Date.now() + 20_000
        let committed = -1n
        while (committed !== 1n && Date.now() < deadline) {
          ;[{ offset: committed }] = await admin.fetchOffsets(group, {
            partitions: [{ topic, partition: 0 }],
          })
          if (committed !== 1n) await new Promise((resolve) => setTimeout(resolve, 250))
        }
        expect(committed).toBe(1n)
        const lag = await admin.lag(group)
        expect(lag.partitions.find((p) => p.partition === 0)?.lag).toBe(1n)
      } finally {
        await target().startNode(victim)
      }
      // and the returned broker is usable again
      const [end] = await admin.listOffsets([{ topic, partition: 0, at: 'latest' }])
      expect(end.offset).toBe(2n)
    })
  })
}
