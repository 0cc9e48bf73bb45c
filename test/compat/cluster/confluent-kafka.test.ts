import { fileURLToPath } from 'node:url'
import { afterEach, it } from 'vitest'
import type { RunningCluster } from '../../../src/broker/index.js'
import { describeWithClient, PYTHON, probePythonModule } from '../support/external-client.js'
import {
  PARTITIONS,
  produceAndConsumeAcrossFailover,
  startFailoverCluster,
} from './support/failover-scenario.js'
import { StreamingProducer } from './support/streaming-producer.js'

/**
 * confluent-kafka for Python (librdkafka 2.0) against a 3-node test cluster:
 * an idempotent producer process per change and one consumer process that
 * assigned itself every partition carry on while a leader moves, a node stops
 * and comes back, and leadership returns to it — every record read once,
 * no offset reset (support/failover-scenario.ts).
 */
const CLIENTS = fileURLToPath(new URL('./clients/', import.meta.url))

describeWithClient(
  'confluent-kafka against a 3-node test cluster',
  probePythonModule('confluent_kafka'),
  () => {
    let cluster: RunningCluster | undefined
    afterEach(async () => {
      await cluster?.close()
      cluster = undefined
    })

    it('produces and consumes across a leader move and a node stopping and coming back, each record once', async () => {
      cluster = await startFailoverCluster()
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
    }, 60_000)
  },
)
