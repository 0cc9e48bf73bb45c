import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { WireClient } from '../../test/broker/support/wire-client.js'

/** The two admin calls the benchmark needs, over the minimal wire client. */

export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const client = await WireClient.connect(bootstrap)
  try {
    const response = await client.send(Apis.CreateTopics, 7, {
      topics: [{ name: topic, numPartitions: partitions, replicationFactor: 1 }],
      timeoutMs: 10_000,
    })
    const result = response.topics[0]
    if (result?.errorCode !== ErrorCode.NONE) {
      throw new Error(`creating ${topic} failed: error ${result?.errorCode} ${result?.errorMessage ?? ''}`)
    }
  } finally {
    await client.close()
  }
}

/** Each partition's log end offset (ListOffsets with timestamp -1, "latest"). */
export async function endOffsets(bootstrap: string, topic: string, partitions: number): Promise<number[]> {
  const client = await WireClient.connect(bootstrap)
  try {
    const response = await client.send(Apis.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        {
          name: topic,
          partitions: Array.from({ length: partitions }, (_, i) => ({ partitionIndex: i, timestamp: -1n })),
        },
      ],
    })
    const ends = new Array<number>(partitions).fill(-1)
    for (const p of response.topics[0]?.partitions ?? []) {
      if (p.errorCode !== ErrorCode.NONE)
        throw new Error(`ListOffsets ${topic}-${p.partitionIndex}: error ${p.errorCode}`)
      ends[p.partitionIndex] = Number(p.offset)
    }
    if (ends.includes(-1)) throw new Error(`ListOffsets left out a partition of ${topic}: ${ends.join(', ')}`)
    return ends
  } finally {
    await client.close()
  }
}
