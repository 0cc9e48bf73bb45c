import { describe, expect, it } from 'vitest'
import { encodeMessage, messageCodec } from '../../../src/protocol/codec.js'
import { AlterConfigsRequest, AlterConfigsResponse } from '../../../src/protocol/messages/alter-configs.js'
import {
  DescribeClusterRequest,
  DescribeClusterResponse,
} from '../../../src/protocol/messages/describe-cluster.js'
import {
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
} from '../../../src/protocol/messages/incremental-alter-configs.js'
import { OffsetDeleteRequest, OffsetDeleteResponse } from '../../../src/protocol/messages/offset-delete.js'
import { Reader } from '../../../src/protocol/reader.js'
import type { MessageSpec } from '../../../src/protocol/schema.js'
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

describe('AlterConfigs schema (key 33, v0-2)', () => {
  it('round-trips every version and refuses v3', () => {
    checkRoundTrip(AlterConfigsRequest)
    checkRoundTrip(AlterConfigsResponse)
    expect(() => messageCodec(AlterConfigsRequest, 3)).toThrow()
  })

  it('writes v1 classic and v2 compact with tag sections', () => {
    const request = {
      resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'a', value: null }] }],
      validateOnly: true,
    }
    expect(encodeMessage(AlterConfigsRequest, 1, request)).toEqual(
      hex('00000001', '02', '0001 74', '00000001', '0001 61', 'ffff', '01'),
    )
    expect(encodeMessage(AlterConfigsRequest, 2, request)).toEqual(
      hex('02', '02', '02 74', '02', '02 61', '00', '00', '00', '01', '00'),
    )
  })
})

describe('IncrementalAlterConfigs schema (key 44, v0-1)', () => {
  it('round-trips every version and refuses v2', () => {
    checkRoundTrip(IncrementalAlterConfigsRequest)
    checkRoundTrip(IncrementalAlterConfigsResponse)
    expect(() => messageCodec(IncrementalAlterConfigsResponse, 2)).toThrow()
  })

  it('puts the operation between name and value', () => {
    const bytes = encodeMessage(IncrementalAlterConfigsRequest, 0, {
      resources: [
        { resourceType: 2, resourceName: 't', configs: [{ name: 'a', configOperation: 1, value: null }] },
      ],
      validateOnly: false,
    })
    expect(bytes).toEqual(hex('00000001', '02', '0001 74', '00000001', '0001 61', '01', 'ffff', '00'))
  })

  it('decodes a hand-built v1 response', () => {
    const decoded = decode(
      IncrementalAlterConfigsResponse,
      1,
      hex('00000000', '02', '0028', '04 626164', '02', '02 74', '00', '00'),
    )
    expect(decoded).toEqual({
      throttleTimeMs: 0,
      responses: [{ errorCode: 40, errorMessage: 'bad', resourceType: 2, resourceName: 't' }],
    })
  })
})

describe('OffsetDelete schema (key 47, v0)', () => {
  it('round-trips and refuses v1', () => {
    checkRoundTrip(OffsetDeleteRequest)
    checkRoundTrip(OffsetDeleteResponse)
    expect(() => messageCodec(OffsetDeleteRequest, 1)).toThrow()
  })

  it('sends the error code before the throttle time', () => {
    const decoded = decode(
      OffsetDeleteResponse,
      0,
      hex('0045', '00000007', '00000001', '0001 74', '00000001', '00000002', '0056'),
    )
    expect(decoded).toEqual({
      errorCode: 69,
      throttleTimeMs: 7,
      topics: [{ name: 't', partitions: [{ partitionIndex: 2, errorCode: 86 }] }],
    })
  })
})

describe('DescribeCluster schema (key 60, v0-2)', () => {
  it('round-trips every version and refuses v3', () => {
    checkRoundTrip(DescribeClusterRequest)
    checkRoundTrip(DescribeClusterResponse)
    expect(() => messageCodec(DescribeClusterRequest, 3)).toThrow()
  })

  it('is flexible from v0; v1 adds the endpoint type, v2 the fenced flag', () => {
    expect(encodeMessage(DescribeClusterRequest, 0, { includeClusterAuthorizedOperations: true })).toEqual(
      hex('01', '00'),
    )
    expect(encodeMessage(DescribeClusterRequest, 1, {})).toEqual(hex('00', '01', '00'))
    expect(encodeMessage(DescribeClusterRequest, 2, { includeFencedBrokers: true })).toEqual(
      hex('00', '01', '01', '00'),
    )
    const broker = { brokerId: 1, host: 'h', port: 9092, rack: null, isFenced: true }
    const body = { clusterId: 'c', controllerId: 1, brokers: [broker] }
    expect(encodeMessage(DescribeClusterResponse, 1, body)).toEqual(
      hex(
        '00000000',
        '0000',
        '00',
        '01',
        '02 63',
        '00000001',
        '02',
        '00000001',
        '02 68',
        '00002384',
        '00',
        '00',
        '80000000',
        '00',
      ),
    )
    expect(decode(DescribeClusterResponse, 0, encodeMessage(DescribeClusterResponse, 0, body))).toMatchObject(
      {
        endpointType: 1,
        brokers: [{ brokerId: 1, isFenced: false }],
        clusterAuthorizedOperations: -2147483648,
      },
    )
  })
})
