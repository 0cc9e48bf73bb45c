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
   * The partition for a record of `size` bytes. `available` lists partitions
   * with a leader now; keyless records avoid those without one when there
   * is a choice (keyed ones never move: the key decides).
   */
  partition(
    topic: string,
    key: Uint8Array | null,
    value: Uint8Array | null,
    partitions: number,
    available: readonly number[],
    size: number,
  ): number {
    const option = this.option
    if (typeof option === 'function') return option({ topic, key, value, partitions })
    if (option === 'round-robin') {
      const next = this.counters.get(topic) ?? Math.floor(this.random() * partitions)
      this.counters.set(topic, next + 1)
      return next % partitions
    }
    if (key !== null) return keyPartition(key, partitions)
    return this.stickyPartition(topic, partitions, available, size)
  }

  private stickyPartition(
    topic: string,
    partitions: number,
    available: readonly number[],
    size: number,
  ): number {
    let state = this.sticky.get(topic)
    if (!state || state.partition >= partitions || state.bytes >= this.batchBytes) {
      const choices = available.length > 0 ? available : [...Array(partitions).keys()]
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
