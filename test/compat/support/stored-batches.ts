import { Apis } from '../../../src/protocol/messages/index.js'
import { isXerialFramed } from '../../../src/protocol/records/compression/index.js'
import {
  BATCH_HEADER_BYTES,
  type CompressionType,
  decodeRecordBatch,
  iterateBatches,
} from '../../../src/protocol/records/index.js'
import { WireClient } from '../../broker/support/wire-client.js'
import { fetchBody } from '../../broker/support/wire-helpers.js'
import type { ReadRecord } from './workload.js'

/**
 * The batches a client wrote, exactly as the broker stores and serves them,
 * read with Sluice's own wire client and record decoder. This shows which
 * codec a client really used (a client can silently fall back to no
 * compression and every read-back check would still pass), how it framed
 * snappy, and that Sluice decodes what the client encoded.
 */
export interface StoredBatches {
  /** Compression type of every stored batch, in order. */
  compressions: CompressionType[]
  /** Producer id of every stored batch, in order: -1 unless an idempotent producer wrote it. */
  producerIds: bigint[]
  /** For snappy batches: how many start with snappy-java's framing; the rest are raw blocks. */
  xerialFramed: number
  /** Every record, decoded by Sluice. */
  records: ReadRecord[]
}

const FETCH_VERSION = 12
const PARTITION_MAX_BYTES = 4 * 1024 * 1024

/** Reads partitions `0..partitions-1` of `topic` from offset 0 to the high watermark. */
export async function readStoredBatches(
  bootstrap: string,
  topic: string,
  partitions: number,
): Promise<StoredBatches> {
  const client = await WireClient.connect(bootstrap)
  const out: StoredBatches = { compressions: [], producerIds: [], xerialFramed: 0, records: [] }
  try {
    for (let partition = 0; partition < partitions; partition++) {
      let offset = 0n
      for (;;) {
        const response = await client.send(
          Apis.Fetch,
          FETCH_VERSION,
          fetchBody(topic, partition, offset, {
            maxBytes: PARTITION_MAX_BYTES,
            partitionMaxBytes: PARTITION_MAX_BYTES,
          }),
        )
        const data = response.responses[0].partitions[0]
        if (data.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}: error ${data.errorCode}`)
        if (offset >= data.highWatermark) break
        const records = data.records ?? Buffer.alloc(0)
        let progressed = false
        for (const span of iterateBatches(records)) {
          const bytes = records.subarray(span.offset, span.offset + span.size)
          const batch = decodeRecordBatch(bytes)
          out.compressions.push(batch.compression)
          out.producerIds.push(batch.producerId)
          if (isXerialFramed(bytes.subarray(BATCH_HEADER_BYTES))) out.xerialFramed++
          for (const r of batch.records) {
            // a fetch starts at the batch holding `offset`, which may begin before it
            if (BigInt(r.offset) < offset) continue
            out.records.push({
              partition,
              offset: BigInt(r.offset),
              key: r.key,
              value: r.value,
              headers: r.headers.map((h) => [h.key, h.value] as const),
              timestamp: r.timestamp,
            })
          }
          offset = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n
          progressed = true
        }
        if (!progressed) throw new Error(`fetch ${topic}-${partition} at ${offset} returned no whole batch`)
      }
    }
  } finally {
    await client.close()
  }
  return out
}
