import { describe, expect, it } from 'vitest'
import { UnsupportedVersionError } from '../../../src/client/errors.js'
import { ApiVersionTable } from '../../../src/client/network/api-version-table.js'
import { Apis } from '../../../src/protocol/messages/index.js'

describe('ApiVersionTable', () => {
  it('picks the highest version both sides speak, per API', () => {
    const table = new ApiVersionTable(
      [
        { apiKey: Apis.Metadata.key, minVersion: 0, maxVersion: 13 },
        { apiKey: Apis.Produce.key, minVersion: 3, maxVersion: 5 },
      ],
      'b:1',
    )
    expect(table.version(Apis.Metadata)).toBe(12) // ours stops at 12
    expect(table.version(Apis.Produce)).toBe(5) // theirs stops at 5
    expect(table.supports(Apis.Fetch)).toBe(false)
  })

  it('names the API and both ranges when there is no version in common', () => {
    // a broker that only serves versions newer than ours (as Kafka 4 dropped the old ones, KIP-896)
    const table = new ApiVersionTable(
      [{ apiKey: Apis.CreateTopics.key, minVersion: 9, maxVersion: 12 }],
      'b:1',
    )
    const error = (() => {
      try {
        table.version(Apis.CreateTopics)
      } catch (e) {
        return e
      }
    })() as UnsupportedVersionError
    expect(error).toBeInstanceOf(UnsupportedVersionError)
    expect(error.retriable).toBe(false)
    expect(error.message).toBe('b:1 serves CreateTopics v9-12, this client speaks v2-7: no version in common')
    expect(() => table.version(Apis.DeleteGroups)).toThrow(
      'b:1 serves DeleteGroups none, this client speaks v0-2',
    )
  })
})
