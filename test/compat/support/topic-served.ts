import { setTimeout as sleep } from 'node:timers/promises'
import { Apis } from '../../../src/protocol/messages/index.js'
import { WireClient } from '../../broker/support/wire-client.js'

/**
 * Resolves once every partition of a topic just created answers ListOffsets
 * without an error, on a one-node broker. Kafka answers CreateTopics, and
 * lists the partitions' leader in Metadata, a moment before that leader
 * serves them: a produce sent in between gets NOT_LEADER_OR_FOLLOWER for
 * some partitions. (The embedded broker serves a topic once it is created.)
 */
export async function topicServed(
  bootstrap: string,
  topic: string,
  partitions: number,
  timeoutMs = 30_000,
): Promise<void> {
  const client = await WireClient.connect(bootstrap)
  try {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const r = await client.send(Apis.ListOffsets, 7, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          {
            name: topic,
            partitions: Array.from({ length: partitions }, (_, i) => ({ partitionIndex: i, timestamp: -1n })),
          },
        ],
      })
      const answers = r.topics[0]?.partitions ?? []
      const errors = answers
        .filter((p) => p.errorCode !== 0)
        .map((p) => `${p.partitionIndex}: ${p.errorCode}`)
      if (answers.length === partitions && errors.length === 0) return
      if (Date.now() > deadline)
        throw new Error(`${topic} not served after ${timeoutMs} ms (errors ${errors.join(', ')})`)
      await sleep(50)
    }
  } finally {
    await client.close()
  }
}
