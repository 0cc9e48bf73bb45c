import type { Cluster } from '../../../src/client/cluster/cluster.js'
import { ErrorCode, KafkaError } from '../../../src/protocol/error-codes.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { type DecodedRecord, decodeRecordBatch, iterateBatches } from '../../../src/protocol/records/index.js'

/** A record as read back: offset as a bigint, bytes as text. */
export interface StoredRecord {
  offset: bigint
  timestamp: number
  key: string | null
  value: string | null
  headers: [string, string | null][]
  producerId: bigint
  baseSequence: number
}

/**
 * Reads one partition from the start to its high watermark with plain Fetch
 * requests to its leader (v12: topics by name), decoding every batch: what a
 * test checks what a producer stored against, independent of any consumer.
 */
export async function readPartition(
  cluster: Cluster,
  topic: string,
  partition: number,
): Promise<StoredRecord[]> {
  return cluster.retry.run('read back', () => readOnce(cluster, topic, partition), {
    timeoutMs: 30_000,
    onRetry: (error, recovery) => cluster.recover(error, recovery, { topics: [topic] }),
  })
}

async function readOnce(cluster: Cluster, topic: string, partition: number): Promise<StoredRecord[]> {
  cluster.metadata.markStale(topic)
  const leader = (await cluster.topicMetadata([topic])).get(topic)!.partitions[partition].leaderId
  const connection = await cluster.connectionTo(leader)
  const version = Math.min(12, connection.versions!.version(Apis.Fetch))
  const out: StoredRecord[] = []
  let offset = 0n
  for (;;) {
    const answer = await connection.request(
      Apis.Fetch,
      {
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 8 << 20,
        isolationLevel: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 4 << 20 }] }],
        forgottenTopicsData: [],
        rackId: '',
      },
      { version },
    )
    const p = answer.responses[0].partitions[0]
    if (p.errorCode !== ErrorCode.NONE) throw new KafkaError(p.errorCode, { topic, partition })
    if (offset >= p.highWatermark) return out
    const records = p.records ?? Buffer.alloc(0)
    for (const span of iterateBatches(records)) {
      const batch = decodeRecordBatch(records.subarray(span.offset, span.offset + span.size))
      for (const r of batch.records as DecodedRecord[]) {
        if (BigInt(r.offset) < offset) continue
        out.push({
          offset: BigInt(r.offset),
          timestamp: r.timestamp,
          key: r.key?.toString() ?? null,
          value: r.value?.toString() ?? null,
          headers: r.headers.map((h) => [h.key, h.value?.toString() ?? null]),
          producerId: batch.producerId,
          baseSequence: batch.baseSequence,
        })
      }
      offset = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n
    }
  }
}
