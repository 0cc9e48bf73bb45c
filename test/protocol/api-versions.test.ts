import { describe, expect, it } from 'vitest'
import { encodeMessage, messageCodec } from '../../src/protocol/codec.js'
import { ApiVersionsRequest, ApiVersionsResponse } from '../../src/protocol/messages/api-versions.js'
import { Reader } from '../../src/protocol/reader.js'
import { checkRoundTrip } from './support/round-trip.js'

describe('ApiVersions schema', () => {
  it('round-trips every version of request and response', () => {
    checkRoundTrip(ApiVersionsRequest)
    checkRoundTrip(ApiVersionsResponse)
  })

  it('writes v3 tagged fields only when they differ from their defaults', () => {
    const plain = encodeMessage(ApiVersionsResponse, 3, { errorCode: 0, apiKeys: [], throttleTimeMs: 0 })
    // errorCode(2) + compact empty array(1) + throttle(4) + empty tag section(1)
    expect(plain.length).toBe(8)
    const withEpoch = encodeMessage(ApiVersionsResponse, 3, { finalizedFeaturesEpoch: 7n })
    const decoded = messageCodec(ApiVersionsResponse, 3).decode(new Reader(withEpoch))
    expect(decoded.finalizedFeaturesEpoch).toBe(7n)
    expect(decoded.zkMigrationReady).toBe(false)
  })

  it('gives fields absent from a version their defaults', () => {
    const v0 = encodeMessage(ApiVersionsResponse, 0, {
      errorCode: 35,
      apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }],
    })
    const decoded = messageCodec(ApiVersionsResponse, 0).decode(new Reader(v0))
    expect(decoded).toMatchObject({
      errorCode: 35,
      throttleTimeMs: 0,
      finalizedFeaturesEpoch: -1n,
      supportedFeatures: [],
    })
  })
})

describe('records fields', () => {
  it('encode a list of stored batches exactly as their concatenation', async () => {
    const { FetchResponse } = await import('../../src/protocol/messages/fetch.js')
    const parts = [Buffer.from('first batch'), Buffer.from(''), Buffer.from('second')]
    const partition = (records: Buffer | Buffer[]) => ({
      partitionIndex: 0,
      errorCode: 0,
      highWatermark: 3n,
      records,
    })
    for (const version of [4, 12]) {
      const asList = encodeMessage(FetchResponse, version, {
        responses: [{ topic: 't', partitions: [partition(parts)] }],
      })
      const joined = encodeMessage(FetchResponse, version, {
        responses: [{ topic: 't', partitions: [partition(Buffer.concat(parts))] }],
      })
      expect(asList).toEqual(joined)
    }
  })
})
