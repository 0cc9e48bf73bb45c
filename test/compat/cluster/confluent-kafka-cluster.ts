import { fileURLToPath } from 'node:url'
import { it } from 'vitest'
import type { CompatTarget } from '../support/broker.js'
import { describeWithClient, PYTHON, probePythonModule } from '../support/external-client.js'
import { failoverClusters, PARTITIONS } from './support/failover-cluster.js'
import { produceAndConsumeAcrossFailover } from './support/failover-scenario.js'
import { StreamingProducer } from './support/streaming-producer.js'

/**
 * confluent-kafka for Python (librdkafka 2.0) against a 3-node cluster (the
 * embedded test cluster, or Apache Kafka for reference): an idempotent
 * producer process per change and one consumer process that assigned itself
 * every partition carry on while a leader moves, a node stops and comes back,
 * and leadership returns to it — every record read once, no offset reset
 * (support/failover-scenario.ts).
 */
const CLIENTS = fileURLToPath(new URL('./clients/', import.meta.url))

export function confluentClusterSuite(target: CompatTarget): void {
  const name = 'confluent-kafka against a 3-node cluster'
  describeWithClient(
    target === 'kafka' ? `${name} [kafka]` : name,
    probePythonModule('confluent_kafka'),
    () => {
      const clusters = failoverClusters(target)

      it('produces and consumes across a leader move and a node stopping and coming back, each record once', async () => {
        const cluster = await clusters.next()
        await produceAndConsumeAcrossFailover(cluster, {
          producer: (bootstrap, topic) =>
            new StreamingProducer('confluent-kafka', PYTHON, [
              `${CLIENTS}confluent_stdin_producer.py`,
              bootstrap,
              topic,
            ]),
          consumer: (bootstrap, topic) => ({
            client: 'confluent-kafka',
            command: PYTHON,
            args: [`${CLIENTS}confluent_assigned_consumer.py`, bootstrap, topic, String(PARTITIONS)],
          }),
        })
      }, 90_000)
    },
  )
}
