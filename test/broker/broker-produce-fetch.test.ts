import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningBroker, startBroker } from '../../src/broker/index.js'
import { ErrorCode } from '../../src/protocol/error-codes.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { CompressionType, encodeRecordBatch } from '../../src/protocol/records/index.js'
import { WireClient } from './support/wire-client.js'
import { fetchBody, valuesIn } from './support/wire-helpers.js'

function batchOf(
  values: string[],
  options: { compression?: CompressionType; timestamp?: number } = {},
): Buffer {
  return encodeRecordBatch(
    values.map((v, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(v),
      timestamp: (options.timestamp ?? 1_000) + i,
      headers: [{ key: 'h', value: Buffer.from(v) }],
    })),
    { compression: options.compression ?? CompressionType.None },
  )
}

function produceBody(topic: string, partition: number, records: Buffer | null, acks = -1) {
  return {
    acks,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  }
}

describe('embedded broker: produce and fetch', () => {
  let broker: RunningBroker
  let client: WireClient

  beforeEach(async () => {
    broker = await startBroker({ port: 0, logger: 'silent', defaultPartitions: 3 })
    client = await WireClient.connect(broker.bootstrap)
  })
  afterEach(async () => {
    await client.close()
    await broker.close()
  })

  it('advertises the address it listens on and auto-creates topics', async () => {
    const meta = await client.send(Apis.Metadata, 12, {
      topics: [{ name: 'orders', topicId: '00000000-0000-0000-0000-000000000000' }],
      allowAutoTopicCreation: true,
    })
    expect(meta.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: broker.port, rack: null }])
    expect(meta.topics[0]).toMatchObject({ errorCode: 0, name: 'orders' })
    expect(meta.topics[0].partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2])
    expect(meta.topics[0].topicId).not.toBe('00000000-0000-0000-0000-000000000000')
  })

  it('produces and fetches batches verbatim with offsets assigned', async () => {
    await client.send(Apis.CreateTopics, 7, {
      topics: [{ name: 't', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 1000,
    })
    const first = batchOf(['a', 'b', 'c'])
    const second = batchOf(['d', 'e'], { compression: CompressionType.Lz4 })
    const r1 = await client.send(Apis.Produce, 9, produceBody('t', 0, first))
    const r2 = await client.send(Apis.Produce, 9, produceBody('t', 0, second))
    expect(r1.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n })
    expect(r2.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 3n })

    const fetched = await client.send(Apis.Fetch, 12, fetchBody('t', 0, 0n))
    const p = fetched.responses[0].partitions[0]
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 5n, lastStableOffset: 5n, logStartOffset: 0n })
    expect(valuesIn(p.records)).toEqual(['a', 'b', 'c', 'd', 'e'])
    // the second batch comes back byte for byte except its base offset and leader epoch
    const stored = p.records!.subarray(first.length)
    expect(stored.length).toBe(second.length)
    expect(stored.subarray(8, 12)).toEqual(second.subarray(8, 12))
    expect(stored.subarray(16)).toEqual(second.subarray(16))
    expect(stored.readBigInt64BE(0)).toBe(3n)
    expect(stored.readInt32BE(12)).toBe(0)

    // a fetch from the middle of a batch returns the whole batch containing it
    const mid = await client.send(Apis.Fetch, 12, fetchBody('t', 0, 4n))
    expect(valuesIn(mid.responses[0].partitions[0].records)).toEqual(['d', 'e'])
  })

  it('returns at least one batch even when it exceeds the byte limits', async () => {
    await client.send(Apis.Metadata, 12, {
      topics: [{ name: 'big', topicId: '00000000-0000-0000-0000-000000000000' }],
    })
    await client.send(Apis.Produce, 9, produceBody('big', 0, batchOf(['x'.repeat(5000)])))
    await client.send(Apis.Produce, 9, produceBody('big', 0, batchOf(['y'])))
    const r = await client.send(
      Apis.Fetch,
      12,
      fetchBody('big', 0, 0n, { maxBytes: 10, partitionMaxBytes: 10 }),
    )
    expect(valuesIn(r.responses[0].partitions[0].records)).toEqual(['x'.repeat(5000)])
  })

  it('answers OFFSET_OUT_OF_RANGE outside the log and UNKNOWN_TOPIC_OR_PARTITION for unknown partitions', async () => {
    await client.send(Apis.Metadata, 12, {
      topics: [{ name: 't', topicId: '00000000-0000-0000-0000-000000000000' }],
    })
    await client.send(Apis.Produce, 9, produceBody('t', 0, batchOf(['a'])))
    const out = await client.send(Apis.Fetch, 12, fetchBody('t', 0, 5n))
    // as Kafka: no offsets with the error, the client resets through ListOffsets
    expect(out.responses[0].partitions[0]).toMatchObject({
      errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
      highWatermark: -1n,
      lastStableOffset: -1n,
      logStartOffset: -1n,
    })
    const unknown = await client.send(Apis.Fetch, 12, fetchBody('t', 7, 0n))
    expect(unknown.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    const produceUnknown = await client.send(Apis.Produce, 9, produceBody('nope', 0, batchOf(['a'])))
    expect(produceUnknown.responses[0].partitionResponses[0].errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    )
  })

  it('long-polls until data arrives, and a produce wakes the fetch at once', async () => {
    await client.send(Apis.Metadata, 12, {
      topics: [{ name: 'lp', topicId: '00000000-0000-0000-0000-000000000000' }],
    })
    // the wait (60 s, capped by the broker at 60 s) outlasts the test timeout: only the append can answer in time
    const parked = client.send(Apis.Fetch, 12, fetchBody('lp', 0, 0n, { maxWaitMs: 60_000, minBytes: 1 }))
    const producer = await WireClient.connect(broker.bootstrap)
    await new Promise((r) => setTimeout(r, 50))
    await producer.send(Apis.Produce, 9, produceBody('lp', 0, batchOf(['woke'])))
    const r = await parked
    expect(valuesIn(r.responses[0].partitions[0].records)).toEqual(['woke'])
    await producer.close()
  })

  it('answers an empty fetch after maxWaitMs when nothing arrives', async () => {
    await client.send(Apis.Metadata, 12, {
      topics: [{ name: 'quiet', topicId: '00000000-0000-0000-0000-000000000000' }],
    })
    const r = await client.send(Apis.Fetch, 12, fetchBody('quiet', 0, 0n, { maxWaitMs: 100, minBytes: 1 }))
    expect(r.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 0n })
    expect(r.responses[0].partitions[0].records?.length).toBe(0)
  })

  it('validates batches: CRC, length, base offset, size, acks', async () => {
    await client.send(Apis.CreateTopics, 7, {
      topics: [
        {
          name: 'v',
          numPartitions: 1,
          replicationFactor: 1,
          configs: [{ name: 'max.message.bytes', value: '200' }],
        },
      ],
      timeoutMs: 1000,
    })
    const good = batchOf(['ok'])
    const badCrc = Buffer.from(good)
    badCrc[badCrc.length - 1] ^= 0xff
    const truncated = good.subarray(0, good.length - 3)
    const nonZeroBase = Buffer.from(good)
    nonZeroBase.writeBigInt64BE(7n, 0)
    const twoBatches = Buffer.concat([good, good])
    const cases: [Buffer, number][] = [
      [badCrc, ErrorCode.CORRUPT_MESSAGE],
      [truncated, ErrorCode.CORRUPT_MESSAGE],
      [nonZeroBase, ErrorCode.INVALID_RECORD],
      [twoBatches, ErrorCode.INVALID_RECORD],
      [batchOf(['z'.repeat(300)]), ErrorCode.MESSAGE_TOO_LARGE],
    ]
    for (const [records, code] of cases) {
      const r = await client.send(Apis.Produce, 9, produceBody('v', 0, records))
      expect(r.responses[0].partitionResponses[0].errorCode).toBe(code)
    }
    const acks = await client.send(Apis.Produce, 9, produceBody('v', 0, good, 2))
    expect(acks.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS)
    const invalidName = await client.send(Apis.Produce, 9, produceBody('bad name!', 0, good))
    expect(invalidName.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION)
    // nothing of the refused batches was stored
    const end = await client.send(Apis.ListOffsets, 7, {
      replicaId: -1,
      topics: [{ name: 'v', partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
    })
    expect(end.topics[0].partitions[0].offset).toBe(0n)
  })

  it('sends no response for acks=0 and keeps responses in request order', async () => {
    client.sendOnly(Apis.Produce, 9, produceBody('z', 0, batchOf(['silent'])))
    await client.send(Apis.Metadata, 12, {
      topics: [{ name: 'z', topicId: '00000000-0000-0000-0000-000000000000' }],
    })
    // pipelined: a long-polling fetch first, then a metadata request; the metadata answer waits behind the fetch
    const order: string[] = []
    const fetch = client
      .send(Apis.Fetch, 12, fetchBody('z', 0, 1n, { maxWaitMs: 300 }))
      .then(() => order.push('fetch'))
    const meta = client.send(Apis.Metadata, 12, { topics: null }).then(() => order.push('metadata'))
    await Promise.all([fetch, meta])
    expect(order).toEqual(['fetch', 'metadata'])
  })

  it('lists offsets: earliest, latest, by timestamp, max timestamp; deletes records', async () => {
    await client.send(Apis.CreateTopics, 7, {
      topics: [{ name: 'lo', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 1000,
    })
    await client.send(Apis.Produce, 9, produceBody('lo', 0, batchOf(['a', 'b', 'c'], { timestamp: 1000 })))
    await client.send(Apis.Produce, 9, produceBody('lo', 0, batchOf(['d', 'e'], { timestamp: 5000 })))
    const ask = async (timestamp: bigint) => {
      const r = await client.send(Apis.ListOffsets, 7, {
        replicaId: -1,
        topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, timestamp }] }],
      })
      return r.topics[0].partitions[0]
    }
    expect(await ask(-2n)).toMatchObject({ errorCode: 0, offset: 0n })
    expect(await ask(-1n)).toMatchObject({ errorCode: 0, offset: 5n })
    expect(await ask(1001n)).toMatchObject({ errorCode: 0, offset: 1n, timestamp: 1001n })
    expect(await ask(1003n)).toMatchObject({ errorCode: 0, offset: 3n, timestamp: 5000n })
    expect(await ask(9999n)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n })
    expect(await ask(-3n)).toMatchObject({ errorCode: 0, offset: 4n, timestamp: 5001n })

    const del = await client.send(Apis.DeleteRecords, 2, {
      topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, offset: 2n }] }],
      timeoutMs: 1000,
    })
    expect(del.topics[0].partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 2n })
    expect(await ask(-2n)).toMatchObject({ offset: 2n })
    const below = await client.send(Apis.Fetch, 12, fetchBody('lo', 0, 1n))
    expect(below.responses[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    const past = await client.send(Apis.DeleteRecords, 2, {
      topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, offset: 99n }] }],
      timeoutMs: 1000,
    })
    expect(past.topics[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
  })

  it('answers a partition named twice once, with INVALID_REQUEST, and the others as usual', async () => {
    await client.send(Apis.CreateTopics, 7, {
      topics: [{ name: 'twice', numPartitions: 2, replicationFactor: 1 }],
      timeoutMs: 1000,
    })
    await client.send(Apis.Produce, 9, produceBody('twice', 1, batchOf(['a', 'b'])))
    const r = await client.send(Apis.ListOffsets, 7, {
      replicaId: -1,
      topics: [
        {
          name: 'twice',
          partitions: [
            { partitionIndex: 0, timestamp: -2n },
            { partitionIndex: 1, timestamp: -1n },
          ],
        },
        // the same partition again, under a second entry for the topic
        { name: 'twice', partitions: [{ partitionIndex: 0, timestamp: -1n }] },
      ],
    })
    expect(r.topics).toHaveLength(1)
    expect(r.topics[0].partitions.map((p) => [p.partitionIndex, p.errorCode, p.offset])).toEqual([
      [0, ErrorCode.INVALID_REQUEST, -1n],
      [1, ErrorCode.NONE, 2n],
    ])
  })
})

describe('embedded broker: fetch by topic id (v13+)', () => {
  it('reads a topic named by its id and answers UNKNOWN_TOPIC_ID for an unknown one', async () => {
    const broker = await startBroker({ port: 0, logger: 'silent' })
    const client = await WireClient.connect(broker.bootstrap)
    try {
      const meta = await client.send(Apis.Metadata, 12, {
        topics: [{ name: 'ids', topicId: '00000000-0000-0000-0000-000000000000' }],
      })
      const topicId = meta.topics[0].topicId
      await client.send(Apis.Produce, 9, produceBody('ids', 0, batchOf(['by-id'])))
      for (const version of [13, 16, 17]) {
        const body = {
          ...fetchBody('ids', 0, 0n),
          topics: [{ ...fetchBody('ids', 0, 0n).topics[0], topicId }],
        }
        const r = await client.send(Apis.Fetch, version, body)
        expect(r.responses[0].topicId).toBe(topicId)
        expect(valuesIn(r.responses[0].partitions[0].records)).toEqual(['by-id'])
      }
      const unknownId = '12345678-1234-1234-1234-123456789abc'
      const body = {
        ...fetchBody('ids', 0, 0n),
        topics: [{ ...fetchBody('ids', 0, 0n).topics[0], topicId: unknownId }],
      }
      const r = await client.send(Apis.Fetch, 13, body)
      expect(r.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID)
    } finally {
      await client.close()
      await broker.close()
    }
  })
})
