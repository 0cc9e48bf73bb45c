import type * as Kafkajs from 'kafkajs'
import type { ReadRecord } from './workload.js'

/**
 * Reads a topic the way a kafkajs application does: a Consumer in a group of
 * its own, subscribed from the beginning, handed batches by `run()`. It stops
 * once every partition has given as many records as `expected` says, and
 * fails with what it got so far when that takes longer than `timeoutMs`.
 *
 * Offsets are not committed (nothing else uses the group). A record seen
 * twice at one offset is kept once: a redelivery after a rebalance is the
 * consumer's business, not a property of the stored records.
 */
export async function kafkajsReadTopic(
  lib: typeof Kafkajs,
  bootstrap: string,
  topic: string,
  expected: readonly number[],
  timeoutMs: number,
): Promise<ReadRecord[]> {
  const kafka = new lib.Kafka({
    clientId: 'sluice-compat-kafkajs',
    brokers: [bootstrap],
    logLevel: lib.logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
  })
  const consumer = kafka.consumer({
    groupId: `sluice-compat-${topic}`,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
  })
  const byPartition = expected.map(() => new Map<bigint, ReadRecord>())
  const complete = () => byPartition.every((read, p) => read.size >= expected[p])
  let timer: NodeJS.Timeout | undefined
  try {
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        const got = byPartition.map((read) => read.size)
        reject(new Error(`kafkajs read ${got.join('/')} of ${expected.join('/')} records in ${timeoutMs} ms`))
      }, timeoutMs)
      consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error))
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const read = byPartition[batch.partition]
            if (!read) throw new Error(`kafkajs read from partition ${batch.partition} of ${topic}`)
            for (const m of batch.messages) {
              const offset = BigInt(m.offset)
              if (read.has(offset)) continue
              read.set(offset, {
                partition: batch.partition,
                offset,
                key: m.key ?? null,
                value: m.value ?? null,
                // kafkajs gathers headers into an object: one entry per name, an array for a repeated one
                headers: Object.entries(m.headers ?? {}).flatMap(([name, v]) =>
                  (Array.isArray(v) ? v : [v]).map(
                    (one) => [name, one === undefined ? null : Buffer.from(one)] as const,
                  ),
                ),
                timestamp: Number(m.timestamp),
              })
            }
            if (complete()) resolve()
          },
        })
        .catch(reject)
    })
  } finally {
    clearTimeout(timer)
    await consumer.disconnect()
  }
  return byPartition.flatMap((read) => [...read.values()].sort((a, b) => (a.offset < b.offset ? -1 : 1)))
}
