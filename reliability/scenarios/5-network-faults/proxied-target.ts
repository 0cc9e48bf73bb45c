import { join } from 'node:path'
import { startBroker } from '../../../src/broker/index.js'
import { startKafka } from '../../../test/kafka/start-kafka.js'
import { readTopic } from '../../support/read-topic.js'
import type { LoggedRecord } from '../../support/record-log.js'
import type { TargetName } from '../../support/scenario.js'
import type { FaultyLink } from '../../support/toxiproxy.js'

/**
 * A broker behind the fault proxy: it advertises the proxy's port, so
 * clients that follow Metadata and FindCoordinator stay behind the proxy
 * (Kafka: advertised.listeners of the client listener; embedded: the
 * `advertisedPort` option). The checker reads the topic back around the
 * proxy: Kafka's inter-broker listener advertises its real port; the
 * embedded broker keeps its log on disk and is reopened without the
 * advertised port once the clients are done, so kcat reads what it stored.
 */
export interface ProxiedTarget {
  /** What the clients are given: the proxy. */
  readonly bootstrap: string
  /** kcat's reading of the whole topic, not through the proxy. Call once, after the clients ended. */
  readTopic(topic: string): Promise<LoggedRecord[]>
  close(): Promise<void>
}

export async function startProxiedTarget(
  name: TargetName,
  link: FaultyLink,
  partitions: number,
  workDir: string,
): Promise<ProxiedTarget> {
  return name === 'kafka'
    ? startProxiedKafka(link, partitions)
    : startProxiedEmbedded(link, partitions, workDir)
}

async function startProxiedKafka(link: FaultyLink, partitions: number): Promise<ProxiedTarget> {
  const kafka = await startKafka({ brokers: 1, advertisedPorts: [link.port], defaultPartitions: partitions })
  await link.setUpstream(kafka.bootstrap)
  return {
    bootstrap: link.address,
    readTopic: (topic) => readTopic(kafka.internalBootstrap, topic),
    close: () => kafka.close(),
  }
}

async function startProxiedEmbedded(
  link: FaultyLink,
  partitions: number,
  workDir: string,
): Promise<ProxiedTarget> {
  const dataDir = join(workDir, 'broker-data')
  const settings = {
    port: 0,
    dataDir,
    defaultPartitions: partitions,
    groupInitialRebalanceDelayMs: 0,
    logger: 'warn' as const,
  }
  let broker = await startBroker({ ...settings, advertisedPort: link.port })
  await link.setUpstream(broker.bootstrap)
  return {
    bootstrap: link.address,
    async readTopic(topic) {
      await broker.close()
      broker = await startBroker(settings)
      return readTopic(broker.bootstrap, topic)
    },
    close: () => broker.close(),
  }
}
