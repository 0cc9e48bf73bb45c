import { KAFKA_VERSION, kafkaAvailability } from '../../test/kafka/kafka-install.js'
import { SERVER_JVM_OPTIONS, startKafka } from '../../test/kafka/start-kafka.js'
import { BrokerProcess } from '../broker/broker-process.js'

export const BROKER_IDS = ['embedded', 'kafka'] as const
export type BrokerId = (typeof BROKER_IDS)[number]

/**
 * The two brokers the client benchmarks (bench/producer, bench/consumer)
 * run against, each in a process of its own so that no client's figures
 * include broker work: `sluice broker` (memory engine, as bench/broker
 * starts it) and one Apache Kafka node (KRaft, the test rig's heap and GC
 * with both JIT tiers, as a server runs, where tests use C1 only). The pid
 * is there to charge broker CPU to runs.
 */

export interface BrokerTarget {
  id: BrokerId
  label: string
  bootstrap: string
  pid: number
  stop(): Promise<void>
}

export type TargetOrSkip = { target: BrokerTarget } | { skipped: string }

export interface TargetOptions {
  /** Run the embedded broker on the disk engine in this directory (for runs that write more than memory should hold). */
  embeddedDataDir?: string
}

async function startEmbedded(options: TargetOptions): Promise<BrokerTarget> {
  const dataDir = options.embeddedDataDir
  const broker = await BrokerProcess.start(dataDir ? { dataDir, fsync: 'never' } : {})
  return {
    id: 'embedded',
    label: `embedded broker (\`sluice broker\`, ${dataDir ? 'disk engine, fsync never' : 'memory engine'}, own process)`,
    bootstrap: broker.bootstrap,
    pid: broker.pid,
    stop: () => broker.stop(),
  }
}

async function startApacheKafka(): Promise<TargetOrSkip> {
  const availability = kafkaAvailability()
  if (!availability.available) return { skipped: `Apache Kafka left out: ${availability.reason}` }
  const kafka = await startKafka({ brokers: 1, jvmOptions: SERVER_JVM_OPTIONS })
  const pid = kafka.nodes[0]?.pid
  if (pid === undefined) {
    await kafka.close()
    throw new Error('the Kafka node has no pid')
  }
  return {
    target: {
      id: 'kafka',
      label: `Apache Kafka ${KAFKA_VERSION} (1 KRaft node, own JVM)`,
      bootstrap: kafka.bootstrap,
      pid,
      stop: () => kafka.close(),
    },
  }
}

export async function startTarget(id: BrokerId, options: TargetOptions = {}): Promise<TargetOrSkip> {
  if (id === 'embedded') return { target: await startEmbedded(options) }
  return startApacheKafka()
}
