/** One batch a Produce request stored, as the fault injector reports it to a `closeAfterHandling` predicate. */
export interface AppendedBatch {
  readonly topic: string
  readonly partition: number
  /** Offset the batch was stored at. */
  readonly baseOffset: number
  readonly recordCount: number
  /** -1 for a producer that is not idempotent. */
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly baseSequence: number
}
