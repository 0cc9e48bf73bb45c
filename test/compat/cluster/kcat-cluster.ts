import { expect, it } from 'vitest'
import type { CompatTarget } from '../support/broker.js'
import { describeWithClient, probe, runChecked } from '../support/external-client.js'
import { failoverClusters, PARTITIONS } from './support/failover-cluster.js'
import { produceAndConsumeAcrossFailover } from './support/failover-scenario.js'
import { StreamingProducer } from './support/streaming-producer.js'

/**
 * kcat (librdkafka 2.0) against a 3-node cluster (the embedded test cluster,
 * or Apache Kafka for reference): it sees the three brokers and who leads
 * what, and an idempotent kcat -P and a kcat -C, each in its own process,
 * carry on while a leader moves, a node stops and comes back, and leadership
 * returns to it — every record read once, no offset reset
 * (support/failover-scenario.ts).
 */

/** librdkafka's reconnect backoff grows to 10 s by default; a returning node should be retried sooner. */
const QUICK_RECONNECT = ['-X', 'reconnect.backoff.max.ms=500']

export function kcatClusterSuite(target: CompatTarget): void {
  const name = 'kcat against a 3-node cluster'
  describeWithClient(target === 'kafka' ? `${name} [kafka]` : name, probe('kcat', ['-V']), () => {
    const clusters = failoverClusters(target)

    it('kcat -L lists three brokers and partitions led by different nodes', async () => {
      const cluster = await clusters.next()
      const { stdout } = await runChecked(
        'kcat',
        ['-b', cluster.bootstrap, '-L', '-J', '-t', cluster.topic],
        {
          timeoutMs: 15_000,
        },
      )
      const meta = JSON.parse(stdout) as {
        brokers: { id: number; name: string }[]
        topics: {
          topic: string
          partitions: { partition: number; leader: number; replicas: { id: number }[] }[]
        }[]
      }
      expect(meta.brokers.map((b) => [b.id, b.name]).sort()).toEqual(
        cluster.nodes.map((n) => [n.nodeId, n.bootstrap]),
      )
      const partitions = meta.topics[0].partitions
      expect(partitions).toHaveLength(PARTITIONS)
      for (const p of partitions) {
        expect(p.leader).toBe((await cluster.leaderOf(p.partition)).leaderId)
        expect(p.replicas.map((r) => r.id)).toEqual(await cluster.replicasOf(p.partition))
      }
      expect(new Set(partitions.map((p) => p.leader)).size).toBe(3)
    })

    it('produces and consumes across a leader move and a node stopping and coming back, each record once', async () => {
      const cluster = await clusters.next()
      await produceAndConsumeAcrossFailover(cluster, {
        producer: (bootstrap, topic) =>
          new StreamingProducer('kcat', 'kcat', [
            '-P',
            '-b',
            bootstrap,
            '-t',
            topic,
            '-K',
            ':',
            '-X',
            'enable.idempotence=true',
            '-X',
            'linger.ms=5',
            ...QUICK_RECONNECT,
          ]),
        consumer: (bootstrap, topic) => ({
          client: 'kcat -C',
          command: 'kcat',
          args: [
            '-u',
            '-C',
            '-b',
            bootstrap,
            '-t',
            topic,
            '-o',
            'beginning',
            // a reset would jump to the end and lose records rather than hide as a re-read
            '-X',
            'auto.offset.reset=latest',
            ...QUICK_RECONNECT,
            '-f',
            '{"type":"record","partition":%p,"offset":%o,"value":"%s"}\\n',
          ],
        }),
      })
    }, 90_000)
  })
}
