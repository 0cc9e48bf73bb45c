import { describe, expect, it } from 'vitest'
import { encodeMessage, messageCodec } from '../../../src/protocol/codec.js'
import { FetchRequest, FetchResponse } from '../../../src/protocol/messages/fetch.js'
import { ListOffsetsRequest, ListOffsetsResponse } from '../../../src/protocol/messages/list-offsets.js'
import { MetadataRequest, MetadataResponse } from '../../../src/protocol/messages/metadata.js'
import { ProduceRequest, ProduceResponse } from '../../../src/protocol/messages/produce.js'
import { Reader } from '../../../src/protocol/reader.js'
import type { MessageSpec } from '../../../src/protocol/schema.js'
import { Writer } from '../../../src/protocol/writer.js'
import { checkRoundTrip } from '../support/round-trip.js'

/** Bytes from hex written in groups, one group per field, so expectations read like the wire layout. */
function hex(...groups: string[]): Buffer {
  return Buffer.from(groups.join('').replace(/\s+/g, ''), 'hex')
}

function decode(spec: MessageSpec, version: number, bytes: Buffer): any {
  const reader = new Reader(bytes)
  const value = messageCodec(spec, version).decode(reader)
  expect(reader.remaining).toBe(0)
  return value
}

const TOPIC_ID = '0102030405060708090a0b0c0d0e0f10'
const TOPIC_UUID = '01020304-0506-0708-090a-0b0c0d0e0f10'

describe('Produce schema (key 0, v3-9)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(ProduceRequest)
    checkRoundTrip(ProduceResponse)
  })

  it('rejects versions outside 0-9', () => {
    expect(() => messageCodec(ProduceRequest, 10)).toThrow()
    expect(() => messageCodec(ProduceResponse, 10)).toThrow()
  })

  const request = {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 't', partitionData: [{ index: 2, records: Buffer.from([0xaa, 0xbb]) }] }],
  }

  it('encodes a v3 request in classic layout', () => {
    expect(encodeMessage(ProduceRequest, 3, request)).toEqual(
      hex(
        'ffff', // transactionalId null
        'ffff', // acks -1
        '00007530', // timeoutMs
        '00000001', // one topic
        '0001 74', // name "t"
        '00000001', // one partition
        '00000002', // index
        '00000002 aabb', // records
      ),
    )
  })

  it('encodes a v9 request in compact layout with tag sections', () => {
    expect(encodeMessage(ProduceRequest, 9, { ...request, transactionalId: 'tx', acks: 1 })).toEqual(
      hex(
        '03 7478', // transactionalId "tx"
        '0001', // acks
        '00007530', // timeoutMs
        '02', // one topic
        '02 74', // name "t"
        '02', // one partition
        '00000002', // index
        '03 aabb', // records
        '00', // partition tags
        '00', // topic tags
        '00', // message tags
      ),
    )
  })

  it('decodes a hand-built v8 response with record errors', () => {
    const decoded = decode(
      ProduceResponse,
      8,
      hex(
        '00000001', // one topic
        '0001 74', // name
        '00000001', // one partition
        '00000000', // index
        '0000', // errorCode
        '0000000000000005', // baseOffset
        'ffffffffffffffff', // logAppendTimeMs
        '0000000000000003', // logStartOffset
        '00000001', // one record error
        '00000001', // batchIndex
        'ffff', // batchIndexErrorMessage null
        '0003 626164', // errorMessage "bad"
        '00000007', // throttleTimeMs
      ),
    )
    expect(decoded).toEqual({
      responses: [
        {
          name: 't',
          partitionResponses: [
            {
              index: 0,
              errorCode: 0,
              baseOffset: 5n,
              logAppendTimeMs: -1n,
              logStartOffset: 3n,
              recordErrors: [{ batchIndex: 1, batchIndexErrorMessage: null }],
              errorMessage: 'bad',
            },
          ],
        },
      ],
      throttleTimeMs: 7,
    })
  })

  it('leaves v5+ and v8+ fields out of a v3 response', () => {
    const bytes = hex(
      '00000001', // one topic
      '0001 74', // name
      '00000001', // one partition
      '00000001', // index
      '0000', // errorCode
      '0000000000000009', // baseOffset
      '000000000000000a', // logAppendTimeMs
      '00000000', // throttleTimeMs
    )
    const decoded = decode(ProduceResponse, 3, bytes)
    expect(decoded.responses[0].partitionResponses[0]).toEqual({
      index: 1,
      errorCode: 0,
      baseOffset: 9n,
      logAppendTimeMs: 10n,
      logStartOffset: -1n,
      recordErrors: [],
      errorMessage: null,
    })
    expect(encodeMessage(ProduceResponse, 3, decoded)).toEqual(bytes)
  })
})

describe('Fetch schema (key 1, v4-12)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(FetchRequest)
    checkRoundTrip(FetchResponse)
  })

  it('rejects versions outside 0-17', () => {
    expect(() => messageCodec(FetchRequest, 18)).toThrow()
    expect(() => messageCodec(FetchResponse, 18)).toThrow()
  })

  it('encodes a v4 request without session, epoch or log start fields', () => {
    const bytes = encodeMessage(FetchRequest, 4, {
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 1,
      topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 10n, partitionMaxBytes: 65536 }] }],
    })
    expect(bytes).toEqual(
      hex(
        'ffffffff', // replicaId
        '000001f4', // maxWaitMs
        '00000001', // minBytes
        '00100000', // maxBytes
        '01', // isolationLevel
        '00000001', // one topic
        '0001 74', // topic
        '00000001', // one partition
        '00000000', // partition
        '000000000000000a', // fetchOffset
        '00010000', // partitionMaxBytes
      ),
    )
  })

  it('encodes a v11 request with sessions, forgotten topics and rack, still classic', () => {
    const bytes = encodeMessage(FetchRequest, 11, {
      clusterId: 'ignored before v12',
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1 << 20,
      sessionId: 4,
      sessionEpoch: 2,
      topics: [
        {
          topic: 't',
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: 1,
              fetchOffset: 10n,
              lastFetchedEpoch: 9,
              partitionMaxBytes: 65536,
            },
          ],
        },
      ],
      forgottenTopicsData: [{ topic: 'u', partitions: [3] }],
      rackId: 'r',
    })
    expect(bytes).toEqual(
      hex(
        'ffffffff', // replicaId
        '000001f4', // maxWaitMs
        '00000001', // minBytes
        '00100000', // maxBytes
        '00', // isolationLevel
        '00000004', // sessionId
        '00000002', // sessionEpoch
        '00000001', // one topic
        '0001 74', // topic
        '00000001', // one partition
        '00000000', // partition
        '00000001', // currentLeaderEpoch
        '000000000000000a', // fetchOffset (no lastFetchedEpoch before v12)
        'ffffffffffffffff', // logStartOffset
        '00010000', // partitionMaxBytes
        '00000001', // one forgotten topic
        '0001 75', // topic "u"
        '00000001 00000003', // partitions [3]
        '0001 72', // rackId
      ),
    )
  })

  it('encodes a v12 request with defaults and a tagged cluster id', () => {
    const bytes = encodeMessage(FetchRequest, 12, {
      clusterId: 'c',
      maxWaitMs: 500,
      minBytes: 1,
      topics: [
        {
          topic: 't',
          partitions: [{ partition: 0, fetchOffset: 10n, lastFetchedEpoch: 3, partitionMaxBytes: 65536 }],
        },
      ],
      rackId: 'r',
    })
    expect(bytes).toEqual(
      hex(
        'ffffffff', // replicaId default -1
        '000001f4', // maxWaitMs
        '00000001', // minBytes
        '7fffffff', // maxBytes default
        '00', // isolationLevel
        '00000000', // sessionId
        'ffffffff', // sessionEpoch default -1
        '02', // one topic
        '02 74', // topic
        '02', // one partition
        '00000000', // partition
        'ffffffff', // currentLeaderEpoch default -1
        '000000000000000a', // fetchOffset
        '00000003', // lastFetchedEpoch
        'ffffffffffffffff', // logStartOffset default -1
        '00010000', // partitionMaxBytes
        '00', // partition tags
        '00', // topic tags
        '01', // forgottenTopicsData: empty
        '02 72', // rackId "r"
        '01 00 02 0263', // one tag: 0 = clusterId "c"
      ),
    )
  })

  it('puts preferredReadReplica before the records in a v11 response', () => {
    const bytes = encodeMessage(FetchResponse, 11, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 9,
      responses: [
        {
          topic: 't',
          partitions: [
            {
              partitionIndex: 1,
              errorCode: 0,
              highWatermark: 100n,
              lastStableOffset: 90n,
              logStartOffset: 0n,
              abortedTransactions: [{ producerId: 7n, firstOffset: 50n }],
              preferredReadReplica: 2,
              records: Buffer.from([0x01]),
            },
          ],
        },
      ],
    })
    expect(bytes).toEqual(
      hex(
        '00000000', // throttleTimeMs
        '0000', // errorCode
        '00000009', // sessionId
        '00000001', // one topic
        '0001 74', // topic
        '00000001', // one partition
        '00000001', // partitionIndex
        '0000', // errorCode
        '0000000000000064', // highWatermark
        '000000000000005a', // lastStableOffset
        '0000000000000000', // logStartOffset
        '00000001', // one aborted transaction
        '0000000000000007', // producerId
        '0000000000000032', // firstOffset
        '00000002', // preferredReadReplica
        '00000001 01', // records
      ),
    )
  })

  it('decodes tagged divergence and leader hints in a v12 response', () => {
    const decoded = decode(
      FetchResponse,
      12,
      hex(
        '00000000', // throttleTimeMs
        '0000', // errorCode
        '00000000', // sessionId
        '02', // one topic
        '02 74', // topic
        '02', // one partition
        '00000000', // partitionIndex
        '004a', // errorCode 74 (FENCED_LEADER_EPOCH)
        '0000000000000064', // highWatermark
        'ffffffffffffffff', // lastStableOffset
        '0000000000000000', // logStartOffset
        '00', // abortedTransactions null
        'ffffffff', // preferredReadReplica
        '00', // records null
        '02', // two tags
        '00 0d 00000004 0000000000000020 00', // 0 = divergingEpoch { epoch 4, endOffset 32 }, own tags
        '01 09 00000003 00000006 00', // 1 = currentLeader { leaderId 3, leaderEpoch 6 }, own tags
        '00', // topic tags
        '00', // message tags
      ),
    )
    expect(decoded.responses[0].partitions[0]).toEqual({
      partitionIndex: 0,
      errorCode: 74,
      highWatermark: 100n,
      lastStableOffset: -1n,
      logStartOffset: 0n,
      divergingEpoch: { epoch: 4, endOffset: 32n },
      currentLeader: { leaderId: 3, leaderEpoch: 6 },
      snapshotId: { endOffset: -1n, epoch: -1 },
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: null,
    })
  })
})

describe('ListOffsets schema (key 2, v1-7)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(ListOffsetsRequest)
    checkRoundTrip(ListOffsetsResponse)
  })

  it('rejects versions past 7', () => {
    expect(() => messageCodec(ListOffsetsRequest, 8)).toThrow()
    expect(() => messageCodec(ListOffsetsResponse, 8)).toThrow()
  })

  const request = {
    replicaId: -1,
    isolationLevel: 1,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 5, timestamp: -2n }] }],
  }

  it('encodes a v1 request without isolation level or leader epoch', () => {
    expect(encodeMessage(ListOffsetsRequest, 1, request)).toEqual(
      hex(
        'ffffffff', // replicaId
        '00000001', // one topic
        '0001 74', // name
        '00000001', // one partition
        '00000000', // partitionIndex
        'fffffffffffffffe', // timestamp -2 (earliest)
      ),
    )
  })

  it('encodes a v6 request in compact layout', () => {
    expect(encodeMessage(ListOffsetsRequest, 6, request)).toEqual(
      hex(
        'ffffffff', // replicaId
        '01', // isolationLevel
        '02', // one topic
        '02 74', // name
        '02', // one partition
        '00000000', // partitionIndex
        '00000005', // currentLeaderEpoch
        'fffffffffffffffe', // timestamp
        '00', // partition tags
        '00', // topic tags
        '00', // message tags
      ),
    )
  })

  it('decodes a v1 response with no throttle time or leader epoch', () => {
    const decoded = decode(
      ListOffsetsResponse,
      1,
      hex(
        '00000001', // one topic
        '0001 74', // name
        '00000001', // one partition
        '00000003', // partitionIndex
        '0000', // errorCode
        'ffffffffffffffff', // timestamp
        '000000000000002a', // offset
      ),
    )
    expect(decoded).toEqual({
      throttleTimeMs: 0,
      topics: [
        {
          name: 't',
          partitions: [
            {
              partitionIndex: 3,
              errorCode: 0,
              oldStyleOffsets: [],
              timestamp: -1n,
              offset: 42n,
              leaderEpoch: -1,
            },
          ],
        },
      ],
    })
  })

  it('decodes a v7 response with throttle time and leader epoch', () => {
    const decoded = decode(
      ListOffsetsResponse,
      7,
      hex(
        '00000064', // throttleTimeMs
        '02', // one topic
        '02 74', // name
        '02', // one partition
        '00000003', // partitionIndex
        '0000', // errorCode
        '0000000000000010', // timestamp
        '000000000000002a', // offset
        '00000002', // leaderEpoch
        '00', // partition tags
        '00', // topic tags
        '00', // message tags
      ),
    )
    expect(decoded.throttleTimeMs).toBe(100)
    expect(decoded.topics[0].partitions[0]).toEqual({
      partitionIndex: 3,
      errorCode: 0,
      oldStyleOffsets: [],
      timestamp: 16n,
      offset: 42n,
      leaderEpoch: 2,
    })
  })
})

describe('Metadata schema (key 3, v0-12)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(MetadataRequest)
    checkRoundTrip(MetadataResponse)
  })

  it('allows a null topic list only from v1', () => {
    expect(encodeMessage(MetadataRequest, 0, { topics: [] })).toEqual(hex('00000000'))
    expect(() => encodeMessage(MetadataRequest, 0, { topics: null })).toThrow()
    expect(encodeMessage(MetadataRequest, 1, { topics: null })).toEqual(hex('ffffffff'))
    expect(encodeMessage(MetadataRequest, 4, { topics: null, allowAutoTopicCreation: false })).toEqual(
      hex('ffffffff', '00'),
    )
    // allowAutoTopicCreation defaults to true
    expect(encodeMessage(MetadataRequest, 4, { topics: null })).toEqual(hex('ffffffff', '01'))
  })

  it('encodes the cluster operations flag in v10 but not v11', () => {
    const request = {
      topics: [{ topicId: TOPIC_UUID, name: 't' }],
      includeClusterAuthorizedOperations: true,
      includeTopicAuthorizedOperations: true,
    }
    expect(encodeMessage(MetadataRequest, 10, request)).toEqual(
      hex(
        '02', // one topic
        TOPIC_ID, // topicId
        '02 74', // name
        '00', // topic tags
        '01', // allowAutoTopicCreation
        '01', // includeClusterAuthorizedOperations
        '01', // includeTopicAuthorizedOperations
        '00', // message tags
      ),
    )
    expect(encodeMessage(MetadataRequest, 11, request)).toEqual(
      hex('02', TOPIC_ID, '02 74', '00', '01', '01', '00'),
    )
  })

  it('decodes a hand-built v0 response', () => {
    const decoded = decode(
      MetadataResponse,
      0,
      hex(
        '00000001', // one broker
        '00000001', // nodeId
        '0001 68', // host "h"
        '00002384', // port 9092
        '00000001', // one topic
        '0000', // errorCode
        '0001 74', // name
        '00000001', // one partition
        '0000', // errorCode
        '00000000', // partitionIndex
        '00000001', // leaderId
        '00000001 00000001', // replicaNodes [1]
        '00000001 00000001', // isrNodes [1]
      ),
    )
    expect(decoded).toEqual({
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
      clusterId: null,
      controllerId: -1,
      topics: [
        {
          errorCode: 0,
          name: 't',
          topicId: '00000000-0000-0000-0000-000000000000',
          isInternal: false,
          partitions: [
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 1,
              leaderEpoch: -1,
              replicaNodes: [1],
              isrNodes: [1],
              offlineReplicas: [],
            },
          ],
          topicAuthorizedOperations: -2147483648,
        },
      ],
      clusterAuthorizedOperations: -2147483648,
    })
  })

  it('encodes a v12 response with a null topic name and no cluster operations', () => {
    const response = {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
      clusterId: 'c',
      controllerId: 1,
      topics: [
        {
          errorCode: 100, // UNKNOWN_TOPIC_ID
          name: null,
          topicId: TOPIC_UUID,
          isInternal: false,
          partitions: [],
          topicAuthorizedOperations: 0,
        },
      ],
      clusterAuthorizedOperations: 8,
    }
    expect(encodeMessage(MetadataResponse, 12, response)).toEqual(
      hex(
        '00000000', // throttleTimeMs
        '02', // one broker
        '00000001', // nodeId
        '02 68', // host
        '00002384', // port
        '00', // rack null
        '00', // broker tags
        '02 63', // clusterId
        '00000001', // controllerId
        '02', // one topic
        '0064', // errorCode
        '00', // name null
        TOPIC_ID, // topicId
        '00', // isInternal
        '01', // no partitions
        '00000000', // topicAuthorizedOperations
        '00', // topic tags
        '00', // message tags
      ),
    )
    // before v12 a topic name may not be null
    expect(() => encodeMessage(MetadataResponse, 11, response)).toThrow()
  })
})

describe('versions kept only to refuse them in their own form', () => {
  it('ListOffsets v0 carries maxNumOffsets and answers with a list of offsets', () => {
    const w = new Writer()
    // replicaId, one topic "t", one partition 2, timestamp -1, maxNumOffsets 1
    w.writeInt32(-1)
      .writeInt32(1)
      .writeNullableString('t')
      .writeInt32(1)
      .writeInt32(2)
      .writeInt64(-1n)
      .writeInt32(1)
    const decoded = messageCodec(ListOffsetsRequest, 0).decode(new Reader(w.finish()))
    expect(decoded.topics[0].partitions[0]).toMatchObject({
      partitionIndex: 2,
      timestamp: -1n,
      maxNumOffsets: 1,
    })
    const response = encodeMessage(ListOffsetsResponse, 0, {
      topics: [{ name: 't', partitions: [{ partitionIndex: 2, errorCode: 35, oldStyleOffsets: [5n] }] }],
    })
    const expected = new Writer()
    expected
      .writeInt32(1)
      .writeNullableString('t')
      .writeInt32(1)
      .writeInt32(2)
      .writeInt16(35)
      .writeInt32(1)
      .writeInt64(5n)
    expect(response).toEqual(expected.finish())
  })

  it('Produce v2 response has log-append time but no log start offset', () => {
    const bytes = encodeMessage(ProduceResponse, 2, {
      responses: [
        {
          name: 't',
          partitionResponses: [{ index: 0, errorCode: 35, baseOffset: -1n, logAppendTimeMs: -1n }],
        },
      ],
      throttleTimeMs: 0,
    })
    const expected = new Writer()
    expected
      .writeInt32(1)
      .writeNullableString('t')
      .writeInt32(1)
      .writeInt32(0)
      .writeInt16(35)
      .writeInt64(-1n)
      .writeInt64(-1n)
      .writeInt32(0)
    expect(bytes).toEqual(expected.finish())
  })
})
