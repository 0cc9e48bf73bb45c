import { describe, expect, it } from 'vitest'
import { MetadataCache } from '../../../src/client/cluster/metadata-cache.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { ProtocolError } from '../../../src/protocol/protocol-error.js'

const ID = '11111111-1111-1111-1111-111111111111'

function answer(leaderId: number, leaderEpoch: number, errorCode = 0) {
  return {
    throttleTimeMs: 0,
    brokers: [1, 2].map((nodeId) => ({ nodeId, host: '127.0.0.1', port: 9000 + nodeId, rack: null })),
    clusterId: 'c',
    controllerId: 1,
    topics: [
      {
        errorCode,
        name: 'orders',
        topicId: ID,
        isInternal: false,
        partitions:
          errorCode === 0
            ? [
                {
                  errorCode: 0,
                  partitionIndex: 0,
                  leaderId,
                  leaderEpoch,
                  replicaNodes: [1, 2],
                  isrNodes: [1, 2],
                  offlineReplicas: [],
                },
              ]
            : [],
        topicAuthorizedOperations: 0,
      },
    ],
    clusterAuthorizedOperations: 0,
  }
}

describe('MetadataCache', () => {
  it('keeps the newer leader when a broker that missed an election answers with an older epoch (KIP-320)', () => {
    const cache = new MetadataCache()
    cache.update(answer(2, 5), 0)
    cache.update(answer(1, 4), 10)
    expect(cache.topic('orders')?.partitions[0]).toMatchObject({ leaderId: 2, leaderEpoch: 5 })
    cache.update(answer(1, 6), 20)
    expect(cache.topic('orders')?.partitions[0]).toMatchObject({ leaderId: 1, leaderEpoch: 6 })
  })

  it('ages out, goes stale on demand, and forgets topics that no longer exist', () => {
    const cache = new MetadataCache()
    cache.update(answer(1, 0), 0)
    expect(cache.isFresh('orders', 100, 1000)).toBe(true)
    expect(cache.isFresh('orders', 1000, 1000)).toBe(false)
    cache.markStale('orders')
    expect(cache.isFresh('orders', 100, 1000)).toBe(false)
    expect(cache.topicsLedBy(1)).toEqual(['orders'])
    const errors = cache.update(answer(1, 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), 200)
    expect(errors.get('orders')).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(cache.topic('orders')).toBeUndefined()
    expect(cache.brokers.map((b) => b.port)).toEqual([9001, 9002])
  })

  it('refuses an answer whose partition indexes are not 0..n-1, each once, and keeps what it had', () => {
    const cache = new MetadataCache()
    cache.update(answer(1, 0), 0)
    const withIndexes = (...indexes: number[]) => {
      const a = answer(2, 1)
      const [p] = a.topics[0].partitions
      a.topics[0].partitions = indexes.map((partitionIndex) => ({ ...p, partitionIndex }))
      return a
    }
    for (const indexes of [[0x7fffffff], [-1], [1], [0, 0], [0, 2]]) {
      expect(() => cache.update(withIndexes(...indexes), 10), `indexes ${indexes}`).toThrow(ProtocolError)
    }
    expect(cache.topic('orders')?.partitions).toHaveLength(1)
    expect(cache.topic('orders')?.partitions[0]).toMatchObject({ leaderId: 1 })
    expect(cache.topicsLedBy(1)).toEqual(['orders'])
    // in any order is fine
    cache.update(withIndexes(1, 0), 20)
    expect(cache.topic('orders')?.partitions.map((p) => p.partition)).toEqual([0, 1])
  })
})
