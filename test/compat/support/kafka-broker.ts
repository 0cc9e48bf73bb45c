import type { BrokerFaults, BrokerOptions } from '../../../src/broker/index.js'
import { type KafkaOptions, type RunningKafka, startKafka } from '../../kafka/start-kafka.js'
import type { CompatBroker } from './broker.js'

/**
 * The compatibility suite's broker when the target is Apache Kafka: one
 * combined KRaft node from test/kafka/, started with the Kafka settings that
 * match the embedded broker options the suite asked for. Kafka always keeps
 * its data on disk, so `restart()` works whatever storage was asked for; it
 * stops the JVM cleanly and starts it again on the same port and data.
 */

/** Embedded broker options and the Kafka option each becomes. */
const MAPPED = {
  defaultPartitions: (v, o) => {
    o.defaultPartitions = v as number
  },
  autoCreateTopics: (v, o) => {
    o.autoCreateTopics = v as boolean
  },
  retentionMs: (v, o) => {
    o.retentionMs = v as number
  },
  groupInitialRebalanceDelayMs: (v, o) => {
    o.groupInitialRebalanceDelayMs = v as number
  },
  users: (v, o) => {
    o.users = v as KafkaOptions['users']
  },
  tls: (v, o) => {
    o.tls = v as KafkaOptions['tls']
  },
  // Kafka flushes by its own policy (the OS page cache by default); a test cannot tell the difference
  fsync: () => {},
  // Kafka has no per-address lockout after failed logins; the suite turns the embedded one off anyway
  maxFailedAuthenticationsPerIp: () => {},
} satisfies Partial<Record<keyof BrokerOptions, (value: unknown, out: KafkaOptions) => void>>

export function kafkaOptionsFor(options: BrokerOptions): KafkaOptions {
  const out: KafkaOptions = {}
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || key === 'host' || key === 'port' || key === 'logger' || key === 'dataDir')
      continue
    const map = (MAPPED as Record<string, (value: unknown, out: KafkaOptions) => void>)[key]
    // an option the reference run cannot honour must fail loudly, not make the two runs test different things
    if (!map) throw new Error(`the Kafka target has no equivalent of the embedded broker option ${key}`)
    map(value, out)
  }
  return out
}

export class KafkaCompatBroker implements CompatBroker {
  readonly target = 'kafka'

  private constructor(readonly kafka: RunningKafka) {}

  static async start(options: BrokerOptions, extra: KafkaOptions = {}): Promise<KafkaCompatBroker> {
    return new KafkaCompatBroker(await startKafka({ ...kafkaOptionsFor(options), ...extra }))
  }

  get bootstrap(): string {
    return this.kafka.bootstrap
  }

  get host(): string {
    return this.kafka.host
  }

  get port(): number {
    return this.kafka.port
  }

  get dataDir(): string {
    return this.kafka.dataDir
  }

  get faults(): BrokerFaults {
    throw new Error('fault injection is a feature of the embedded broker; Apache Kafka has none')
  }

  restart(): Promise<void> {
    return this.kafka.restart()
  }

  close(): Promise<void> {
    return this.kafka.close()
  }
}
