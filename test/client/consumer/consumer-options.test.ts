import { describe, expect, it } from 'vitest'
import { resolveConsumerOptions } from '../../../src/client/consumer/consumer-options.js'
import { ClientConfigError, Kafka } from '../../../src/index.js'

function refused(options: object): string {
  try {
    new Kafka({ brokers: 'h:1', logger: 'silent' }).consumer(options as never)
  } catch (error) {
    expect(error).toBeInstanceOf(ClientConfigError)
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('consumer options', () => {
  it('default to the Java consumer where it has a setting, and to lossless backpressure', () => {
    expect(resolveConsumerOptions({ groupId: 'g', topics: ['t'] })).toMatchObject({
      ordering: 'partition',
      concurrency: 1,
      overflow: 'pause',
      autoOffsetReset: 'latest',
      commit: 'after-process',
      commitIntervalMs: 5000,
      assignors: ['cooperative-sticky', 'range'],
      sessionTimeoutMs: 45_000,
      heartbeatIntervalMs: 3000,
      rebalanceTimeoutMs: 300_000,
      onFailure: 'stop',
      attempts: 1,
      isolationLevel: 0,
      fetch: { minBytes: 1, maxWaitMs: 500, maxBytes: 50 << 20, partitionMaxBytes: 1 << 20 },
    })
    expect(resolveConsumerOptions({ groupId: 'g', topics: ['t'], fromBeginning: true }).autoOffsetReset).toBe(
      'earliest',
    )
  })

  it('fail at construction naming the key and the reason', () => {
    expect(refused({ topics: ['t'] })).toMatch(/topics: needs a groupId/)
    expect(refused({ groupId: 'g', topics: [] })).toMatch(/topics: must be a non-empty array/)
    expect(refused({ groupId: 'g', topics: ['t'], ordering: 'random' })).toMatch(
      /ordering: must be one of partition, key, none/,
    )
    expect(refused({ groupId: 'g', topics: ['t'], concurrency: 0 })).toMatch(/concurrency: must be between 1/)
    expect(refused({ groupId: 'g', topics: ['t'], onFailure: 'dead-letter' })).toMatch(
      /deadLetterTopic: is required/,
    )
    expect(refused({ groupId: 'g', topics: ['t'], heartbeatIntervalMs: 50_000 })).toMatch(
      /heartbeatIntervalMs: must be lower than sessionTimeoutMs/,
    )
    expect(refused({ groupId: 'g', topics: ['t'], assignors: ['sticky'] })).toMatch(
      /assignors: must list some of cooperative-sticky, range, roundrobin/,
    )
    expect(refused({ groupId: 'g', topics: ['t'], overflow: 'suspend' })).toMatch(
      /overflow: must be one of pause, drop-oldest, drop-newest, latest/,
    )
    expect(refused({ groupId: 'g', topics: ['t'], fetch: { maxWait: 5 } })).toMatch(
      /fetch.maxWait: is not an option/,
    )
    expect(refused({ groupId: 'g', topics: ['t'], maxBufferedBytes: 10 })).toMatch(
      /maxBufferedBytes: must be between 1024/,
    )
  })
})
