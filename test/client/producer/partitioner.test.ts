import { describe, expect, it } from 'vitest'
import type { TopicMetadata } from '../../../src/client/cluster/metadata-cache.js'
import { keyPartition, murmur2 } from '../../../src/client/producer/murmur2.js'
import { Partitioner } from '../../../src/client/producer/partitioner.js'

const bytes = (s: string) => Buffer.from(s, 'utf8')

/** Topic metadata with `count` partitions, those in `led` having a leader. */
function topic(count: number, led: readonly number[] = [...Array(count).keys()]): TopicMetadata {
  return {
    name: 't',
    topicId: '00000000-0000-0000-0000-000000000001',
    isInternal: false,
    partitions: Array.from({ length: count }, (_, partition) => ({
      partition,
      leaderId: led.includes(partition) ? 1 : -1,
      leaderEpoch: 0,
      replicas: [1],
      isr: [1],
      offline: [],
      errorCode: 0,
    })),
  }
}

describe('murmur2', () => {
  // the values kafka-clients' Utils.murmur2 gives (its UtilsTest uses the same strings)
  it('matches the Java client bit for bit', () => {
    expect(murmur2(bytes('21'))).toBe(-973932308)
    expect(murmur2(bytes('foobar'))).toBe(-790332482)
    expect(murmur2(bytes('a-little-bit-long-string'))).toBe(-985981536)
    expect(murmur2(bytes('a-little-bit-longer-string'))).toBe(-1486304829)
    expect(murmur2(bytes('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971)
    expect(murmur2(bytes('abc'))).toBe(479470107)
  })

  it('places a key by the positive hash modulo the partition count', () => {
    expect(keyPartition(bytes('foobar'), 7)).toBe((-790332482 & 0x7fffffff) % 7)
  })
})

describe('Partitioner', () => {
  it('keeps keyed records on their key’s partition whatever is available', () => {
    const p = new Partitioner('default', 1000)
    expect(p.partition(topic(7, [0]), bytes('foobar'), null, 10)).toBe(keyPartition(bytes('foobar'), 7))
  })

  it('sticks keyless records to one available partition until batchBytes have gone to it (KIP-794)', () => {
    let n = 0
    const p = new Partitioner('default', 100, () => [0.1, 0.7, 0.4][n++ % 3])
    const picks = Array.from({ length: 12 }, () => p.partition(topic(4, [1, 2, 3]), null, null, 30))
    // 30-byte records: four go to each sticky partition (the fourth takes it past 100 bytes)
    expect(picks).toEqual([1, 1, 1, 1, 3, 3, 3, 3, 2, 2, 2, 2])
  })

  it('round-robin spreads records over every partition in turn', () => {
    const p = new Partitioner('round-robin', 100, () => 0)
    expect(Array.from({ length: 6 }, () => p.partition(topic(3), bytes('k'), null, 1))).toEqual([
      0, 1, 2, 0, 1, 2,
    ])
  })

  it('a function decides for itself', () => {
    const p = new Partitioner(({ value, partitions }) => (value?.[0] ?? 0) % partitions, 100)
    expect(p.partition(topic(4), null, Buffer.from([5]), 1)).toBe(1)
  })
})
