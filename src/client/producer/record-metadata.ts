/** Where an acknowledged record was stored. */
export interface RecordMetadata {
  readonly topic: string
  readonly partition: number
  /** -1n with acks `none`, where the broker says nothing. */
  readonly offset: bigint
  /** The record's timestamp, or the broker's append time on topics with `message.timestamp.type=LogAppendTime`. */
  readonly timestamp: number
}

/**
 * Where a batch reports each record's outcome: `token` is whatever the
 * caller gave when appending (a position in a source, say). One sink may
 * serve many records, so a stream of sends needs no promise per record.
 */
export interface CompletionSink {
  complete(token: number, metadata: RecordMetadata): void
  fail(token: number, error: Error): void
}
