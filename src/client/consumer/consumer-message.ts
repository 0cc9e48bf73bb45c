/** One record as the handler gets it. */
export interface ConsumerMessage<K = unknown, V = unknown> {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  /** Milliseconds since the epoch: the producer's time, or the broker's append time. */
  readonly timestamp: number
  readonly key: K | null
  readonly value: V | null
  /** In the order they were written; names may repeat. */
  readonly headers: readonly (readonly [string, Buffer | null])[]
  /** The leader epoch of the batch, -1 when the broker did not set one. */
  readonly leaderEpoch: number
  /** How many times the handler has been called for this record, this one included. */
  readonly attempt: number
}

/** One partition's records for `runBatch`, in offset order. */
export interface ConsumerBatch<K = unknown, V = unknown> {
  readonly topic: string
  readonly partition: number
  readonly messages: readonly ConsumerMessage<K, V>[]
  /** The partition's high watermark when these were fetched: `highWatermark - lastOffset - 1` is its lag. */
  readonly highWatermark: bigint
}
