import type { Clock } from '../flow/clock.js'
import { Admin } from './admin/admin.js'
import { type KafkaOptions, type ResolvedKafkaOptions, resolveKafkaOptions } from './client-options.js'
import { Cluster } from './cluster/cluster.js'
import { Consumer } from './consumer/consumer.js'
import { type ConsumerOptions, resolveConsumerOptions } from './consumer/consumer-options.js'
import { Producer } from './producer/producer.js'
import { type ProducerOptions, resolveProducerOptions } from './producer/producer-options.js'

/**
 * The entry point: one set of connection settings (bootstrap brokers,
 * client id, TLS, SASL, timeouts, retry policy) from which admin clients,
 * producers and consumers are made. Options are checked here: a bad one
 * throws ClientConfigError naming it. Nothing connects until a client made
 * from it is used. Each client has connections of its own, as in the Java
 * client, so closing one never disturbs another.
 */
export class Kafka {
  readonly options: ResolvedKafkaOptions

  /** `clock` is for tests of timeouts and backoff; applications leave it out. */
  constructor(options: KafkaOptions, clock?: Clock) {
    this.options = resolveKafkaOptions(options, clock)
  }

  /** A new admin client. */
  admin(): Admin {
    return new Admin(new Cluster(this.options))
  }

  /**
   * A new consumer; its options are checked here. Dead-lettered records go
   * through a producer of its own, made on first use.
   */
  consumer(options: ConsumerOptions): Consumer {
    return new Consumer(new Cluster(this.options), resolveConsumerOptions(options), () =>
      this.producer({ lingerMs: 0 }),
    )
  }

  /** A new producer; its options are checked here (ClientConfigError names a bad one). */
  producer(options: ProducerOptions = {}): Producer {
    return new Producer(new Cluster(this.options), resolveProducerOptions(options, this.options))
  }
}
