import type { TopicMetadata } from '../cluster/metadata-cache.js'
import { keyPartition } from './murmur2.js'

/** A custom partitioner: the partition for a record, given how many the topic has. */
export type PartitionerFunction = (record: {
  readonly topic: string
  readonly key: Uint8Array | null
  readonly value: Uint8Array | null
  readonly partitions: number
}) => number

/**
 * `default` is the Java client's: murmur2 of the key for keyed records,
 * and for keyless ones a sticky partition that changes after `batchBytes`
 * have gone to it (KIP-794), so small keyless records fill batches rather
 * than spreading one per partition. `round-robin` spreads every record.
 */
export type PartitionerOption = 'default' | 'round-robin' | PartitionerFunction

interface Sticky {
  partition: number
  bytes: number
}

/** Picks partitions for one producer; keeps the sticky and round-robin state per topic. */
export class Partitioner {
  private readonly sticky = new Map<string, Sticky>()
  private readonly counters = new Map<string, number>()

  constructor(
    private readonly option: PartitionerOption,
    private readonly batchBytes: number,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * The partition for a record of `size` bytes. Keyless records avoid
   * partitions without a leader when there is a choice (keyed ones never
   * move: the key decides).
   */
  partition(metadata: TopicMetadata, key: Uint8Array | null, value: Uint8Array | null, size: number): number {
    const option = this.option
    const topic = metadata.name
    const partitions = metadata.partitions.length
    if (typeof option === 'function') return option({ topic, key, value, partitions })
    if (option === 'round-robin') {
      const next = this.counters.get(topic) ?? Math.floor(this.random() * partitions)
      this.counters.set(topic, next + 1)
      return next % partitions
    }
    if (key !== null) return keyPartition(key, partitions)
    return this.stickyPartition(metadata, size)
  }

  private stickyPartition(metadata: TopicMetadata, size: number): number {
    const topic = metadata.name
    const partitions = metadata.partitions.length
    let state = this.sticky.get(topic)
    if (!state || state.partition >= partitions || state.bytes >= this.batchBytes) {
      // only here, once per batch's worth of records, are the partitions with a leader looked at
      const led = metadata.partitions.filter((p) => p.leaderId >= 0).map((p) => p.partition)
      const choices = led.length > 0 ? led : [...Array(partitions).keys()]
      const previous = state?.partition
      let next = choices[Math.floor(this.random() * choices.length)]
      // move on: a switch that lands on the same partition would not spread anything
      if (next === previous && choices.length > 1)
        next = choices[(choices.indexOf(next) + 1) % choices.length]
      state = { partition: next, bytes: 0 }
      this.sticky.set(topic, state)
    }
    state.bytes += size
    return state.partition
  }
}
