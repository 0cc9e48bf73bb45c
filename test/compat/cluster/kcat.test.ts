import { afterEach, expect, it } from 'vitest'
import type { RunningCluster } from '../../../src/broker/index.js'
import { describeWithClient, probe, runChecked } from '../support/external-client.js'
import {
  PARTITIONS,
  produceAndConsumeAcrossFailover,
  startFailoverCluster,
  TOPIC,
} from './support/failover-scenario.js'
import { StreamingProducer } from './support/streaming-producer.js'

/**
 * kcat (librdkafka 2.0) against a 3-node test cluster: it sees the three
 * brokers and who leads what, and an idempotent kcat -P and a kcat -C, each
 * in its own process, carry on while a leader moves, a node stops and comes
 * back, and leadership returns to it — every record read once, no offset
 * reset (support/failover-scenario.ts).
 */

/** librdkafka's reconnect backoff grows to 10 s by default; a returning node should be retried sooner. */
const QUICK_RECONNECT = ['-X', 'reconnect.backoff.max.ms=500']

describeWithClient('kcat against a 3-node test cluster', probe('kcat', ['-V']), () => {
  let cluster: RunningCluster | undefined
  afterEach(async () => {
    await cluster?.close()
    cluster = undefined
  })

  it('kcat -L lists three brokers and partitions led by different nodes', async () => {
    cluster = await startFailoverCluster()
    const { stdout } = await runChecked('kcat', ['-b', cluster.bootstrap, '-L', '-J', '-t', TOPIC], {
      timeoutMs: 15_000,
    })
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
      expect(p.leader).toBe(cluster.leaderOf(TOPIC, p.partition).leaderId)
      expect(p.replicas.map((r) => r.id)).toEqual(cluster.replicasOf(TOPIC, p.partition))
    }
    expect(new Set(partitions.map((p) => p.leader)).size).toBe(3)
  })

  it('produces and consumes across a leader move and a node stopping and coming back, each record once', async () => {
    cluster = await startFailoverCluster()
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
  }, 60_000)
})
