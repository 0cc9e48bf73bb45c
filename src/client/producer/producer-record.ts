import type { HeadersInput } from './serializers.js'

/** One record to send. `topic` may be left to `sendAll` / `writable` options. */
export interface ProducerRecord {
  topic?: string
  /** Serialized by `keySerializer`; records with the same key go to the same partition. */
  key?: unknown
  /** Serialized by `valueSerializer`; null is a tombstone. */
  value: unknown
  headers?: HeadersInput
  /** Overrides the partitioner. */
  partition?: number
  /** Milliseconds since the epoch; default now. */
  timestamp?: number
}

/** What `sendAll` yields for each record of the source, in source order. */
export type SendResult =
  | {
      readonly record: ProducerRecord
      readonly metadata: import('./record-metadata.js').RecordMetadata
      readonly error?: undefined
    }
  | { readonly record: ProducerRecord; readonly metadata?: undefined; readonly error: Error }

/** How `sendAll` and `writable` hand records to the producer: completion goes to `sink`, under `token`. */
export interface RecordAppender {
  /**
   * Undefined when the record was taken at once; a promise when it waits
   * (budget, metadata, rate); throws when refused. `defaultTopic` is for a
   * record without a topic of its own.
   */
  append(
    record: ProducerRecord,
    sink: import('./record-metadata.js').CompletionSink,
    token: number,
    defaultTopic?: string,
  ): Promise<void> | undefined
}
