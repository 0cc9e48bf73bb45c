import { describe, expect, it } from 'vitest'
import { encodeMessage, messageCodec } from '../../../src/protocol/codec.js'
import {
  CreatePartitionsRequest,
  CreatePartitionsResponse,
} from '../../../src/protocol/messages/create-partitions.js'
import { CreateTopicsRequest, CreateTopicsResponse } from '../../../src/protocol/messages/create-topics.js'
import { DeleteRecordsRequest, DeleteRecordsResponse } from '../../../src/protocol/messages/delete-records.js'
import { DeleteTopicsRequest, DeleteTopicsResponse } from '../../../src/protocol/messages/delete-topics.js'
import {
  DescribeConfigsRequest,
  DescribeConfigsResponse,
} from '../../../src/protocol/messages/describe-configs.js'
import {
  InitProducerIdRequest,
  InitProducerIdResponse,
} from '../../../src/protocol/messages/init-producer-id.js'
import {
  OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochResponse,
} from '../../../src/protocol/messages/offset-for-leader-epoch.js'
import {
  SaslAuthenticateRequest,
  SaslAuthenticateResponse,
} from '../../../src/protocol/messages/sasl-authenticate.js'
import { SaslHandshakeRequest, SaslHandshakeResponse } from '../../../src/protocol/messages/sasl-handshake.js'
import { Reader } from '../../../src/protocol/reader.js'
import type { MessageSpec } from '../../../src/protocol/schema.js'
import { checkRoundTrip } from '../support/round-trip.js'

/** Bytes from hex written in groups, one group per field, so expectations read like the wire layout. */
function hex(...groups: string[]): Buffer {
  return Buffer.from(groups.join('').replace(/\s+/g, ''), 'hex')
}

/** Decodes a whole body and insists every byte was consumed. */
function decode(spec: MessageSpec, version: number, bytes: Buffer): any {
  const reader = new Reader(bytes)
  const value = messageCodec(spec, version).decode(reader)
  expect(reader.remaining).toBe(0)
  return value
}

const TOPIC_ID_HEX = '0102030405060708090a0b0c0d0e0f10'
const TOPIC_ID = '01020304-0506-0708-090a-0b0c0d0e0f10'
const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

describe('SaslHandshake schema (key 17, v0-1)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(SaslHandshakeRequest)
    checkRoundTrip(SaslHandshakeResponse)
  })

  it('rejects versions outside 0-1', () => {
    expect(() => messageCodec(SaslHandshakeRequest, 2)).toThrow()
    expect(() => messageCodec(SaslHandshakeResponse, 2)).toThrow()
  })

  it('encodes the mechanism as a classic string at v0 and v1', () => {
    const expected = hex('0005 504c41494e') // "PLAIN"
    expect(encodeMessage(SaslHandshakeRequest, 0, { mechanism: 'PLAIN' })).toEqual(expected)
    expect(encodeMessage(SaslHandshakeRequest, 1, { mechanism: 'PLAIN' })).toEqual(expected)
  })

  it('decodes a hand-built v1 response listing the enabled mechanisms', () => {
    const decoded = decode(
      SaslHandshakeResponse,
      1,
      hex(
        '0021', // errorCode 33 UNSUPPORTED_SASL_MECHANISM
        '00000002', // two mechanisms
        '0005 504c41494e', // "PLAIN"
        '000d 534352414d2d5348412d323536', // "SCRAM-SHA-256"
      ),
    )
    expect(decoded).toEqual({ errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-256'] })
  })
})

describe('CreateTopics schema (key 19, v2-7)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(CreateTopicsRequest)
    checkRoundTrip(CreateTopicsResponse)
  })

  it('rejects versions outside 2-7', () => {
    expect(() => messageCodec(CreateTopicsRequest, 1)).toThrow()
    expect(() => messageCodec(CreateTopicsResponse, 8)).toThrow()
  })

  const request = {
    topics: [
      {
        name: 't',
        numPartitions: 3,
        replicationFactor: 1,
        assignments: [{ partitionIndex: 0, brokerIds: [1] }],
        configs: [{ name: 'a', value: null }],
      },
    ],
    timeoutMs: 1000,
    validateOnly: true,
  }

  it('encodes a v2 request in classic layout', () => {
    expect(encodeMessage(CreateTopicsRequest, 2, request)).toEqual(
      hex(
        '00000001', // one topic
        '0001 74', // name "t"
        '00000003', // numPartitions
        '0001', // replicationFactor
        '00000001', // one assignment
        '00000000', // partitionIndex
        '00000001 00000001', // brokerIds [1]
        '00000001', // one config
        '0001 61', // name "a"
        'ffff', // value null
        '000003e8', // timeoutMs
        '01', // validateOnly
      ),
    )
  })

  it('encodes a v5 request in compact layout with tag sections', () => {
    expect(encodeMessage(CreateTopicsRequest, 5, request)).toEqual(
      hex(
        '02', // one topic
        '02 74', // name "t"
        '00000003', // numPartitions
        '0001', // replicationFactor
        '02', // one assignment
        '00000000', // partitionIndex
        '02 00000001', // brokerIds [1]
        '00', // assignment tags
        '02', // one config
        '02 61', // name "a"
        '00', // value null
        '00', // config tags
        '00', // topic tags
        '000003e8', // timeoutMs
        '01', // validateOnly
        '00', // message tags
      ),
    )
  })

  it('defaults timeoutMs to 60000', () => {
    const bytes = encodeMessage(CreateTopicsRequest, 2, { topics: [] })
    expect(bytes).toEqual(hex('00000000', '0000ea60', '00'))
  })

  it('encodes a v4 response without the v5 config echo', () => {
    const bytes = encodeMessage(CreateTopicsResponse, 4, {
      throttleTimeMs: 5,
      topics: [{ name: 't', errorCode: 36, errorMessage: 'x' }],
    })
    expect(bytes).toEqual(
      hex(
        '00000005', // throttleTimeMs
        '00000001', // one topic
        '0001 74', // name
        '0024', // errorCode 36 TOPIC_ALREADY_EXISTS
        '0001 78', // errorMessage "x"
      ),
    )
  })

  it('decodes a hand-built v7 response with topic ID, configs and a tagged config error', () => {
    const decoded = decode(
      CreateTopicsResponse,
      7,
      hex(
        '00000000', // throttleTimeMs
        '02', // one topic
        '02 74', // name
        TOPIC_ID_HEX, // topicId
        '0000', // errorCode
        '00', // errorMessage null
        '00000002', // numPartitions
        '0003', // replicationFactor
        '02', // one config
        '03 6b31', // name "k1"
        '03 7631', // value "v1"
        '00', // readOnly
        '05', // configSource 5 DEFAULT_CONFIG
        '01', // isSensitive
        '00', // config tags
        '01', // one tagged field
        '00 02 0029', // tag 0 topicConfigErrorCode, 2 bytes, 41
        '00', // message tags
      ),
    )
    expect(decoded).toEqual({
      throttleTimeMs: 0,
      topics: [
        {
          name: 't',
          topicId: TOPIC_ID,
          errorCode: 0,
          errorMessage: null,
          topicConfigErrorCode: 41,
          numPartitions: 2,
          replicationFactor: 3,
          configs: [{ name: 'k1', value: 'v1', readOnly: false, configSource: 5, isSensitive: true }],
        },
      ],
    })
  })

  it('encodes a v6 response with the config echo but no topic ID', () => {
    const bytes = encodeMessage(CreateTopicsResponse, 6, {
      throttleTimeMs: 0,
      topics: [{ name: 't', topicId: TOPIC_ID, errorCode: 0, errorMessage: null, configs: null }],
    })
    expect(bytes).toEqual(
      hex(
        '00000000', // throttleTimeMs
        '02', // one topic
        '02 74', // name
        '0000', // errorCode
        '00', // errorMessage null
        'ffffffff', // numPartitions -1 (default)
        'ffff', // replicationFactor -1 (default)
        '00', // configs null
        '00', // topic tags (topicConfigErrorCode 0 is not sent)
        '00', // message tags
      ),
    )
  })

  it('gives a v2 response -1 partition defaults and no topic ID', () => {
    const decoded = decode(CreateTopicsResponse, 2, hex('00000000', '00000001', '0001 74', '0000', 'ffff'))
    expect(decoded.topics[0]).toMatchObject({
      topicId: ZERO_UUID,
      numPartitions: -1,
      replicationFactor: -1,
      configs: [],
    })
  })
})

describe('DeleteTopics schema (key 20, v1-6)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(DeleteTopicsRequest)
    checkRoundTrip(DeleteTopicsResponse)
  })

  it('rejects versions outside 1-6', () => {
    expect(() => messageCodec(DeleteTopicsRequest, 0)).toThrow()
    expect(() => messageCodec(DeleteTopicsResponse, 7)).toThrow()
  })

  it('encodes a v1 request as a plain list of names', () => {
    expect(encodeMessage(DeleteTopicsRequest, 1, { topicNames: ['a', 'b'], timeoutMs: 30000 })).toEqual(
      hex(
        '00000002', // two names
        '0001 61', // "a"
        '0001 62', // "b"
        '00007530', // timeoutMs
      ),
    )
  })

  it('encodes a v5 request compactly with names only', () => {
    expect(
      encodeMessage(DeleteTopicsRequest, 5, {
        topics: [{ name: 'ignored', topicId: TOPIC_ID }],
        topicNames: ['a'],
        timeoutMs: 1,
      }),
    ).toEqual(hex('02 02 61', '00000001', '00'))
  })

  it('encodes a v6 request by topic state and drops the old name list', () => {
    expect(
      encodeMessage(DeleteTopicsRequest, 6, {
        topics: [{ topicId: TOPIC_ID }],
        topicNames: ['ignored'],
        timeoutMs: 1,
      }),
    ).toEqual(
      hex(
        '02', // one topic
        '00', // name null (default)
        TOPIC_ID_HEX, // topicId
        '00', // topic tags
        '00000001', // timeoutMs
        '00', // message tags
      ),
    )
  })

  it('decodes a hand-built v3 response', () => {
    const decoded = decode(DeleteTopicsResponse, 3, hex('00000002', '00000001', '0001 61', '0049'))
    expect(decoded).toEqual({
      throttleTimeMs: 2,
      responses: [{ name: 'a', topicId: ZERO_UUID, errorCode: 73, errorMessage: null }],
    })
  })

  it('decodes a hand-built v6 response with a null name and a topic ID', () => {
    const decoded = decode(
      DeleteTopicsResponse,
      6,
      hex(
        '00000000', // throttleTimeMs
        '02', // one result
        '00', // name null
        TOPIC_ID_HEX, // topicId
        '0064', // errorCode 100 UNKNOWN_TOPIC_ID
        '04 6e6f21', // errorMessage "no!"
        '00', // result tags
        '00', // message tags
      ),
    )
    expect(decoded.responses).toEqual([
      { name: null, topicId: TOPIC_ID, errorCode: 100, errorMessage: 'no!' },
    ])
  })

  it('refuses a null topic name before v6', () => {
    expect(() => encodeMessage(DeleteTopicsResponse, 5, { responses: [{ name: null }] })).toThrow()
  })
})

describe('DeleteRecords schema (key 21, v0-2)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(DeleteRecordsRequest)
    checkRoundTrip(DeleteRecordsResponse)
  })

  it('rejects versions outside 0-2', () => {
    expect(() => messageCodec(DeleteRecordsRequest, 3)).toThrow()
    expect(() => messageCodec(DeleteRecordsResponse, 3)).toThrow()
  })

  const request = {
    topics: [{ name: 't', partitions: [{ partitionIndex: 1, offset: 42n }] }],
    timeoutMs: 500,
  }

  it('encodes a v0 request in classic layout', () => {
    expect(encodeMessage(DeleteRecordsRequest, 0, request)).toEqual(
      hex(
        '00000001', // one topic
        '0001 74', // name
        '00000001', // one partition
        '00000001', // partitionIndex
        '000000000000002a', // offset
        '000001f4', // timeoutMs
      ),
    )
  })

  it('encodes a v2 request in compact layout', () => {
    expect(encodeMessage(DeleteRecordsRequest, 2, request)).toEqual(
      hex('02', '02 74', '02', '00000001', '000000000000002a', '00', '00', '000001f4', '00'),
    )
  })

  it('decodes a hand-built v2 response', () => {
    const decoded = decode(
      DeleteRecordsResponse,
      2,
      hex(
        '00000003', // throttleTimeMs
        '02', // one topic
        '02 74', // name
        '02', // one partition
        '00000001', // partitionIndex
        '000000000000002a', // lowWatermark
        '0001', // errorCode 1 OFFSET_OUT_OF_RANGE
        '00', // partition tags
        '00', // topic tags
        '00', // message tags
      ),
    )
    expect(decoded).toEqual({
      throttleTimeMs: 3,
      topics: [{ name: 't', partitions: [{ partitionIndex: 1, lowWatermark: 42n, errorCode: 1 }] }],
    })
  })
})

describe('InitProducerId schema (key 22, v0-4)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(InitProducerIdRequest)
    checkRoundTrip(InitProducerIdResponse)
  })

  it('rejects versions outside 0-4', () => {
    expect(() => messageCodec(InitProducerIdRequest, 5)).toThrow()
    expect(() => messageCodec(InitProducerIdResponse, 5)).toThrow()
  })

  it('encodes a v0 request without the producer ID fields', () => {
    expect(
      encodeMessage(InitProducerIdRequest, 0, {
        transactionalId: null,
        transactionTimeoutMs: 60000,
        producerId: 9n,
      }),
    ).toEqual(hex('ffff', '0000ea60'))
  })

  it('encodes a v2 request compactly, still without the producer ID fields', () => {
    expect(
      encodeMessage(InitProducerIdRequest, 2, {
        transactionalId: 'tx',
        transactionTimeoutMs: 1,
        producerId: 9n,
      }),
    ).toEqual(hex('03 7478', '00000001', '00'))
  })

  it('encodes a v3 request with the producer ID and epoch, defaulting both to -1', () => {
    expect(
      encodeMessage(InitProducerIdRequest, 3, { transactionalId: 'tx', transactionTimeoutMs: 1 }),
    ).toEqual(
      hex(
        '03 7478', // transactionalId "tx"
        '00000001', // transactionTimeoutMs
        'ffffffffffffffff', // producerId -1
        'ffff', // producerEpoch -1
        '00', // message tags
      ),
    )
  })

  it('decodes a hand-built v1 response and a v4 response', () => {
    const body = ['00000000', '0000', '0000000000001000', '0002']
    expect(decode(InitProducerIdResponse, 1, hex(...body))).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      producerId: 4096n,
      producerEpoch: 2,
    })
    expect(decode(InitProducerIdResponse, 4, hex(...body, '00')).producerId).toBe(4096n)
  })
})

describe('OffsetForLeaderEpoch schema (key 23, v0-4)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(OffsetForLeaderEpochRequest)
    checkRoundTrip(OffsetForLeaderEpochResponse)
  })

  it('rejects versions outside 0-4', () => {
    expect(() => messageCodec(OffsetForLeaderEpochRequest, 5)).toThrow()
    expect(() => messageCodec(OffsetForLeaderEpochResponse, 5)).toThrow()
  })

  const request = {
    replicaId: -1,
    topics: [{ topic: 't', partitions: [{ partition: 0, currentLeaderEpoch: 7, leaderEpoch: 5 }] }],
  }

  it('encodes a v0 request with only partition and epoch', () => {
    expect(encodeMessage(OffsetForLeaderEpochRequest, 0, request)).toEqual(
      hex('00000001', '0001 74', '00000001', '00000000', '00000005'),
    )
  })

  it('encodes a v2 request with the current leader epoch before the requested one', () => {
    expect(encodeMessage(OffsetForLeaderEpochRequest, 2, request)).toEqual(
      hex('00000001', '0001 74', '00000001', '00000000', '00000007', '00000005'),
    )
  })

  it('encodes a v4 request with replica ID first and tag sections', () => {
    expect(encodeMessage(OffsetForLeaderEpochRequest, 4, request)).toEqual(
      hex(
        'ffffffff', // replicaId -1
        '02', // one topic
        '02 74', // topic
        '02', // one partition
        '00000000', // partition
        '00000007', // currentLeaderEpoch
        '00000005', // leaderEpoch
        '00', // partition tags
        '00', // topic tags
        '00', // message tags
      ),
    )
  })

  it('defaults replicaId to -2 and currentLeaderEpoch to -1', () => {
    const decoded = decode(
      OffsetForLeaderEpochRequest,
      1,
      hex('00000001', '0001 74', '00000001', '00000003', '00000004'),
    )
    expect(decoded).toEqual({
      replicaId: -2,
      topics: [{ topic: 't', partitions: [{ partition: 3, currentLeaderEpoch: -1, leaderEpoch: 4 }] }],
    })
  })

  it('decodes a hand-built v0 response without throttle time or leader epoch', () => {
    const decoded = decode(
      OffsetForLeaderEpochResponse,
      0,
      hex(
        '00000001', // one topic
        '0001 74', // topic
        '00000001', // one partition
        '0000', // errorCode
        '00000002', // partition
        '0000000000000064', // endOffset
      ),
    )
    expect(decoded).toEqual({
      throttleTimeMs: 0,
      topics: [
        { topic: 't', partitions: [{ errorCode: 0, partition: 2, leaderEpoch: -1, endOffset: 100n }] },
      ],
    })
  })

  it('decodes a hand-built v4 response', () => {
    const decoded = decode(
      OffsetForLeaderEpochResponse,
      4,
      hex(
        '00000009', // throttleTimeMs
        '02', // one topic
        '02 74', // topic
        '02', // one partition
        '004a', // errorCode 74 FENCED_LEADER_EPOCH
        '00000002', // partition
        '00000006', // leaderEpoch
        'ffffffffffffffff', // endOffset -1
        '00', // partition tags
        '00', // topic tags
        '00', // message tags
      ),
    )
    expect(decoded).toEqual({
      throttleTimeMs: 9,
      topics: [{ topic: 't', partitions: [{ errorCode: 74, partition: 2, leaderEpoch: 6, endOffset: -1n }] }],
    })
  })
})

describe('DescribeConfigs schema (key 32, v0-4)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(DescribeConfigsRequest)
    checkRoundTrip(DescribeConfigsResponse)
  })

  it('rejects versions outside 0-4', () => {
    expect(() => messageCodec(DescribeConfigsRequest, 5)).toThrow()
    expect(() => messageCodec(DescribeConfigsResponse, 5)).toThrow()
  })

  const request = {
    resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }],
    includeSynonyms: true,
    includeDocumentation: true,
  }

  it('encodes a v0 request without the include flags', () => {
    expect(encodeMessage(DescribeConfigsRequest, 0, request)).toEqual(
      hex('00000001', '02', '0001 74', 'ffffffff'),
    )
  })

  it('encodes a v1 request with synonyms but not documentation', () => {
    expect(encodeMessage(DescribeConfigsRequest, 1, request)).toEqual(
      hex('00000001', '02', '0001 74', 'ffffffff', '01'),
    )
  })

  it('encodes a v4 request compactly with both flags', () => {
    expect(
      encodeMessage(DescribeConfigsRequest, 4, {
        ...request,
        resources: [{ resourceType: 4, resourceName: '1', configurationKeys: ['k'] }],
      }),
    ).toEqual(
      hex(
        '02', // one resource
        '04', // resourceType broker
        '02 31', // resourceName "1"
        '02 02 6b', // configurationKeys ["k"]
        '00', // resource tags
        '01', // includeSynonyms
        '01', // includeDocumentation
        '00', // message tags
      ),
    )
  })

  it('decodes a hand-built v0 response with isDefault and no synonyms', () => {
    const decoded = decode(
      DescribeConfigsResponse,
      0,
      hex(
        '00000000', // throttleTimeMs
        '00000001', // one result
        '0000', // errorCode
        'ffff', // errorMessage null
        '02', // resourceType topic
        '0001 74', // resourceName
        '00000001', // one config
        '0001 6b', // name "k"
        '0001 76', // value "v"
        '00', // readOnly
        '01', // isDefault
        '00', // isSensitive
      ),
    )
    expect(decoded.results[0].configs).toEqual([
      {
        name: 'k',
        value: 'v',
        readOnly: false,
        isDefault: true,
        configSource: -1,
        isSensitive: false,
        synonyms: [],
        configType: 0,
        documentation: '',
      },
    ])
  })

  it('decodes a hand-built v1 response with source and synonyms instead of isDefault', () => {
    const decoded = decode(
      DescribeConfigsResponse,
      1,
      hex(
        '00000000', // throttleTimeMs
        '00000001', // one result
        '0000', // errorCode
        'ffff', // errorMessage null
        '04', // resourceType broker
        '0001 31', // resourceName "1"
        '00000001', // one config
        '0001 6b', // name "k"
        '0001 76', // value "v"
        '00', // readOnly
        '04', // configSource STATIC_BROKER_CONFIG
        '00', // isSensitive
        '00000001', // one synonym
        '0001 6b', // name "k"
        '0001 76', // value "v"
        '04', // source
      ),
    )
    expect(decoded.results[0].configs).toEqual([
      {
        name: 'k',
        value: 'v',
        readOnly: false,
        isDefault: false,
        configSource: 4,
        isSensitive: false,
        synonyms: [{ name: 'k', value: 'v', source: 4 }],
        configType: 0,
        documentation: '',
      },
    ])
  })

  it('decodes a hand-built v4 response with source, synonyms, type and documentation', () => {
    const decoded = decode(
      DescribeConfigsResponse,
      4,
      hex(
        '00000001', // throttleTimeMs
        '02', // one result
        '0000', // errorCode
        '00', // errorMessage null
        '02', // resourceType topic
        '02 74', // resourceName
        '02', // one config
        '02 6b', // name "k"
        '00', // value null
        '01', // readOnly
        '05', // configSource DEFAULT_CONFIG
        '01', // isSensitive
        '02', // one synonym
        '02 6b', // name "k"
        '00', // value null
        '05', // source
        '00', // synonym tags
        '03', // configType 3 INT
        '03 646f', // documentation "do"
        '00', // config tags
        '00', // result tags
        '00', // message tags
      ),
    )
    expect(decoded).toEqual({
      throttleTimeMs: 1,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 't',
          configs: [
            {
              name: 'k',
              value: null,
              readOnly: true,
              isDefault: false,
              configSource: 5,
              isSensitive: true,
              synonyms: [{ name: 'k', value: null, source: 5 }],
              configType: 3,
              documentation: 'do',
            },
          ],
        },
      ],
    })
  })
})

describe('SaslAuthenticate schema (key 36, v0-2)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(SaslAuthenticateRequest)
    checkRoundTrip(SaslAuthenticateResponse)
  })

  it('rejects versions outside 0-2', () => {
    expect(() => messageCodec(SaslAuthenticateRequest, 3)).toThrow()
    expect(() => messageCodec(SaslAuthenticateResponse, 3)).toThrow()
  })

  const token = Buffer.from([0x00, 0x75, 0x00, 0x70]) // "\0u\0p", a PLAIN token

  it('encodes the token as classic bytes at v0 and compact bytes at v2', () => {
    expect(encodeMessage(SaslAuthenticateRequest, 0, { authBytes: token })).toEqual(hex('00000004 00750070'))
    expect(encodeMessage(SaslAuthenticateRequest, 2, { authBytes: token })).toEqual(hex('05 00750070', '00'))
  })

  it('encodes a v0 response without the session lifetime', () => {
    expect(
      encodeMessage(SaslAuthenticateResponse, 0, {
        errorCode: 58,
        errorMessage: 'bad',
        authBytes: Buffer.alloc(0),
        sessionLifetimeMs: 5n,
      }),
    ).toEqual(hex('003a', '0003 626164', '00000000'))
  })

  it('decodes hand-built v1 and v2 responses with a session lifetime', () => {
    expect(
      decode(SaslAuthenticateResponse, 1, hex('0000', 'ffff', '00000001 aa', '00000000000003e8')),
    ).toEqual({ errorCode: 0, errorMessage: null, authBytes: Buffer.from([0xaa]), sessionLifetimeMs: 1000n })
    expect(decode(SaslAuthenticateResponse, 2, hex('0000', '00', '02 aa', '00000000000003e8', '00'))).toEqual(
      { errorCode: 0, errorMessage: null, authBytes: Buffer.from([0xaa]), sessionLifetimeMs: 1000n },
    )
  })
})

describe('CreatePartitions schema (key 37, v0-3)', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(CreatePartitionsRequest)
    checkRoundTrip(CreatePartitionsResponse)
  })

  it('rejects versions outside 0-3', () => {
    expect(() => messageCodec(CreatePartitionsRequest, 4)).toThrow()
    expect(() => messageCodec(CreatePartitionsResponse, 4)).toThrow()
  })

  it('encodes a v0 request with null assignments', () => {
    expect(
      encodeMessage(CreatePartitionsRequest, 0, {
        topics: [{ name: 't', count: 4, assignments: null }],
        timeoutMs: 100,
        validateOnly: false,
      }),
    ).toEqual(
      hex(
        '00000001', // one topic
        '0001 74', // name
        '00000004', // count
        'ffffffff', // assignments null
        '00000064', // timeoutMs
        '00', // validateOnly
      ),
    )
  })

  it('encodes a v2 request compactly with explicit assignments', () => {
    expect(
      encodeMessage(CreatePartitionsRequest, 2, {
        topics: [{ name: 't', count: 2, assignments: [{ brokerIds: [1, 2] }] }],
        timeoutMs: 100,
        validateOnly: true,
      }),
    ).toEqual(
      hex(
        '02', // one topic
        '02 74', // name
        '00000002', // count
        '02', // one assignment
        '03 00000001 00000002', // brokerIds [1, 2]
        '00', // assignment tags
        '00', // topic tags
        '00000064', // timeoutMs
        '01', // validateOnly
        '00', // message tags
      ),
    )
  })

  it('decodes hand-built v1 and v3 responses', () => {
    expect(
      decode(CreatePartitionsResponse, 1, hex('00000000', '00000001', '0001 74', '0025', 'ffff')),
    ).toEqual({
      throttleTimeMs: 0,
      results: [{ name: 't', errorCode: 37, errorMessage: null }],
    })
    expect(
      decode(CreatePartitionsResponse, 3, hex('00000002', '02', '02 74', '0000', '02 78', '00', '00')),
    ).toEqual({
      throttleTimeMs: 2,
      results: [{ name: 't', errorCode: 0, errorMessage: 'x' }],
    })
  })
})
