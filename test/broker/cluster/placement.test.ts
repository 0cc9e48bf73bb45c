import { describe, expect, it } from 'vitest'
import {
  javaStringHashCode,
  OFFSETS_TOPIC_PARTITIONS,
  offsetsPartitionFor,
  replicaOrder,
} from '../../../src/broker/cluster/placement.js'

describe('cluster placement', () => {
  it('hashes strings as Java does', () => {
    // values of String.hashCode() as the JVM prints them
    expect(javaStringHashCode('')).toBe(0)
    expect(javaStringHashCode('a')).toBe(97)
    expect(javaStringHashCode('hello')).toBe(99162322)
    expect(javaStringHashCode('Hello World')).toBe(-862545276)
    expect(javaStringHashCode('Aa')).toBe(javaStringHashCode('BB'))
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648)
    // UTF-16 code units, a surrogate pair counting as two
    expect(javaStringHashCode('é')).toBe(233)
    expect(javaStringHashCode('😀')).toBe(0xd83d * 31 + 0xde00)
  })

  it("puts groups in Kafka's __consumer_offsets partition: abs(hashCode) % 50", () => {
    expect(offsetsPartitionFor('hello')).toBe(99162322 % 50)
    // Utils.abs clears the sign bit rather than negating
    expect(offsetsPartitionFor('Hello World')).toBe((-862545276 & 0x7fffffff) % 50)
    // Integer.MIN_VALUE, whose Math.abs would stay negative, maps to 0
    expect(offsetsPartitionFor('polygenelubricants')).toBe(0)
    for (const id of ['', 'g', 'billing', 'a-much-longer-group-identifier']) {
      const p = offsetsPartitionFor(id)
      expect(p).toBeGreaterThanOrEqual(0)
      expect(p).toBeLessThan(OFFSETS_TOPIC_PARTITIONS)
    }
  })

  it("lists every node once per partition and spreads a topic's preferred leaders round robin", () => {
    const nodes = [1, 2, 3]
    const leaders = [0, 1, 2, 3, 4, 5].map((p) => replicaOrder(nodes, 'orders', p)[0])
    for (let p = 0; p < 6; p++) {
      expect([...replicaOrder(nodes, 'orders', p)].sort()).toEqual(nodes)
      expect(leaders[p]).toBe(leaders[(p + 3) % 6])
    }
    expect(new Set(leaders.slice(0, 3))).toEqual(new Set(nodes))
    // consecutive partitions are led by consecutive nodes
    const first = nodes.indexOf(leaders[0])
    expect(leaders.slice(0, 3)).toEqual([0, 1, 2].map((i) => nodes[(first + i) % 3]))
  })

  it('is deterministic and starts different topics on different nodes', () => {
    expect(replicaOrder([1, 2, 3], 'orders', 0)).toEqual(replicaOrder([1, 2, 3], 'orders', 0))
    const starts = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((t) => replicaOrder([1, 2, 3], t, 0)[0]))
    expect(starts.size).toBeGreaterThan(1)
    expect(replicaOrder([7], 'x', 5)).toEqual([7])
  })
})
