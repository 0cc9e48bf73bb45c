import type { KafkaOptions } from '../../../src/client/client-options.js'
import { Kafka } from '../../../src/client/kafka.js'
import type { Clock } from '../../../src/flow/clock.js'

/**
 * Clients for tests: silent, quick to give up and to reconnect, so a test
 * of a failure takes milliseconds rather than the Java defaults' minutes.
 * Every admin made here is closed by `closeAll()` (afterEach).
 */
export class ClientHarness {
  private readonly closers: (() => Promise<void>)[] = []

  kafka(options: Partial<KafkaOptions> & { brokers: KafkaOptions['brokers'] }, clock?: Clock): Kafka {
    return new Kafka(
      {
        logger: 'silent',
        connectionTimeoutMs: 5_000,
        requestTimeoutMs: 5_000,
        defaultApiTimeoutMs: 15_000,
        reconnectBackoffMs: 10,
        reconnectBackoffMaxMs: 100,
        retry: { initialBackoffMs: 20, maxBackoffMs: 200 },
        ...options,
      },
      clock,
    )
  }

  admin(options: Partial<KafkaOptions> & { brokers: KafkaOptions['brokers'] }) {
    const admin = this.kafka(options).admin()
    this.closers.push(() => admin.close())
    return admin
  }

  producer(
    options: Partial<KafkaOptions> & { brokers: KafkaOptions['brokers'] },
    producerOptions: Parameters<Kafka['producer']>[0] = {},
    clock?: Clock,
  ) {
    const producer = this.kafka(options, clock).producer(producerOptions)
    this.closers.push(() => producer.close({ timeoutMs: 2_000 }))
    return producer
  }

  consumer(
    options: Partial<KafkaOptions> & { brokers: KafkaOptions['brokers'] },
    consumerOptions: Parameters<Kafka['consumer']>[0],
    clock?: Clock,
  ) {
    const consumer = this.kafka(options, clock).consumer({
      // quick group settings for tests: short sessions, fast heartbeats and commits
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      commitIntervalMs: 200,
      rebalanceTimeoutMs: 20_000,
      revokeDrainMs: 5_000,
      ...consumerOptions,
    })
    this.closers.push(() => consumer.close())
    return consumer
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled(this.closers.splice(0).map((close) => close()))
  }
}
