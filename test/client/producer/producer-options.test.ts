import { describe, expect, it } from 'vitest'
import { resolveProducerOptions } from '../../../src/client/producer/producer-options.js'
import { ClientConfigError, Kafka } from '../../../src/index.js'
import { CompressionType } from '../../../src/protocol/records/index.js'

const client = { requestTimeoutMs: 30_000 }

function refused(options: object): string {
  try {
    new Kafka({ brokers: 'h:1', logger: 'silent' }).producer(options as never)
  } catch (error) {
    expect(error).toBeInstanceOf(ClientConfigError)
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('producer options', () => {
  it('default to the Java producer of Kafka 4', () => {
    const o = resolveProducerOptions({}, client)
    expect(o).toMatchObject({
      acks: -1,
      idempotent: true,
      lingerMs: 5,
      batchBytes: 16_384,
      bufferBytes: 32 << 20,
      whenFull: 'block',
      maxBlockMs: 60_000,
      deliveryTimeoutMs: 120_000,
      maxInFlightRequests: 5,
      retries: Number.POSITIVE_INFINITY,
      compression: CompressionType.None,
      maxRequestBytes: 1 << 20,
    })
  })

  it('turn idempotence off quietly for acks other than all, as the Java client does', () => {
    expect(resolveProducerOptions({ acks: 'leader' }, client).idempotent).toBe(false)
    expect(resolveProducerOptions({ acks: 0 }, client)).toMatchObject({ acks: 0, idempotent: false })
  })

  it('take compression with a level where the codec has levels', () => {
    expect(resolveProducerOptions({ compression: { type: 'zstd', level: 9 } }, client)).toMatchObject({
      compression: CompressionType.Zstd,
      compressionLevel: 9,
    })
  })

  it('fail at construction naming the key and the reason', () => {
    expect(refused({ acks: 2 })).toMatch(/^invalid client option acks: must be 'all'/)
    expect(refused({ acks: 'leader', idempotent: true })).toMatch(/idempotent: needs acks 'all'/)
    expect(refused({ maxInFlightRequests: 6 })).toMatch(
      /maxInFlightRequests: must be at most 5 with idempotence/,
    )
    expect(refused({ deliveryTimeoutMs: 1000 })).toMatch(
      /deliveryTimeoutMs: must be at least lingerMs \+ requestTimeoutMs/,
    )
    expect(refused({ batchBytes: 64 << 20 })).toMatch(/batchBytes: must be between 128 and 33554432/)
    expect(refused({ whenFull: 'drop-oldest' })).toMatch(/whenFull: must be one of block, error, drop-newest/)
    expect(refused({ compression: 'brotli' })).toMatch(/compression.type: must be one of none, gzip/)
    expect(refused({ compression: { type: 'lz4', level: 3 } })).toMatch(
      /compression.level: lz4 has no levels here/,
    )
    expect(refused({ compression: { type: 'gzip', level: 10 } })).toMatch(
      /compression.level: must be between 1 and 9/,
    )
    expect(refused({ partitioner: 'random' })).toMatch(
      /partitioner: must be 'default', 'round-robin' or a function/,
    )
    expect(refused({ rate: { recordsPerSecond: 0 } })).toMatch(/rate.recordsPerSecond/)
    expect(refused({ linger: 5 })).toMatch(/linger: is not an option/)
  })
})
