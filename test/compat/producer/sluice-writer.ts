import { expect } from 'vitest'
import type { ProducerOptions } from '../../../src/client/producer/producer-options.js'
import type { RecordMetadata } from '../../../src/client/producer/record-metadata.js'
import { Kafka } from '../../../src/index.js'
import type { WorkloadRecord } from '../support/workload.js'

/**
 * Writes records with the Sluice producer as an application would: a topic
 * made by Sluice's admin client, then every record through `sendAll`, whose
 * results come back one per record in source order. Returns the metadata of
 * each record by its index; any failed record fails the write.
 */

/** Enough records in flight to fill many batches per partition at once. */
const MAX_IN_FLIGHT = 1000

export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({ brokers: [bootstrap], logger: 'silent' }).admin()
  try {
    await admin.createTopics([{ topic, partitions }])
  } finally {
    await admin.close()
  }
}

export async function writeWithSluice(
  bootstrap: string,
  topic: string,
  records: readonly WorkloadRecord[],
  options: ProducerOptions,
): Promise<RecordMetadata[]> {
  const producer = new Kafka({ brokers: [bootstrap], logger: 'silent' }).producer(options)
  const source = records.map((r) => ({
    topic,
    key: r.key,
    value: r.value,
    headers: r.headers,
    timestamp: r.timestamp,
  }))
  const metadata: RecordMetadata[] = []
  try {
    let index = 0
    for await (const result of producer.sendAll(source, { maxInFlight: MAX_IN_FLIGHT })) {
      // results arrive in source order: the n-th result is the n-th record's
      if (result.record !== source[index]) {
        expect.fail(`result ${index} of sendAll is for another record than the ${index}th of the source`)
      }
      if (result.error)
        throw new Error(`record ${index} failed: ${result.error.message}`, { cause: result.error })
      metadata.push(result.metadata)
      index++
    }
    expect(index, 'results from sendAll').toBe(records.length)
  } finally {
    await producer.close()
  }
  return metadata
}
