import type { Producer } from '../producer/producer.js'
import type { PartitionState, QueuedRecord } from './fetch/partition-state.js'

/** Header names carried by a dead-lettered record, beside its own headers. */
export const DEAD_LETTER_HEADERS = {
  topic: 'sluice.dlq.topic',
  partition: 'sluice.dlq.partition',
  offset: 'sluice.dlq.offset',
  timestamp: 'sluice.dlq.timestamp',
  error: 'sluice.dlq.error',
  attempts: 'sluice.dlq.attempts',
} as const

/**
 * Writes records that failed every attempt to the dead-letter topic, byte
 * for byte (key, value, headers, timestamp), with headers saying where they
 * came from and why, and resolves once the broker has them: only then does
 * their offset count as done.
 */
export async function deadLetterRecords(
  producer: Producer,
  topic: string,
  state: PartitionState,
  records: readonly QueuedRecord[],
  error: Error,
  attempts: number,
): Promise<void> {
  await producer.send({
    topic,
    messages: records.map((r) => ({
      key: r.key,
      value: r.value,
      timestamp: r.timestamp,
      headers: [
        ...r.headers.map((h): readonly [string, Buffer | null] => [h.key, h.value]),
        [DEAD_LETTER_HEADERS.topic, state.topic] as const,
        [DEAD_LETTER_HEADERS.partition, String(state.partition)] as const,
        [DEAD_LETTER_HEADERS.offset, String(r.offset)] as const,
        [DEAD_LETTER_HEADERS.timestamp, String(r.timestamp)] as const,
        [DEAD_LETTER_HEADERS.error, `${error.name}: ${error.message}`] as const,
        [DEAD_LETTER_HEADERS.attempts, String(attempts)] as const,
      ],
    })),
  })
}
