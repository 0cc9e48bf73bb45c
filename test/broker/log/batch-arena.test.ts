import { describe, expect, it } from 'vitest'
import { BatchArena, OWN_MEMORY } from '../../../src/broker/log/batch-arena.js'

describe('BatchArena', () => {
  it('copies batches into shared chunks that start small and double', () => {
    const arena = new BatchArena()
    const source = Buffer.alloc(1000, 7)
    const first = arena.store(source)
    source.fill(0)
    // a copy: the request the batch came in may be reused
    expect(first.stored.every((b) => b === 7)).toBe(true)
    expect(arena.allocatedBytes).toBe(4096)
    const chunks = new Set<number>([first.chunk])
    for (let i = 0; i < 20; i++) chunks.add(arena.store(Buffer.alloc(1000, i)).chunk)
    // 21 KB of batches: chunks of 4, 8 and 16 KiB
    expect([...chunks]).toEqual([0, 1, 2])
    expect(arena.allocatedBytes).toBe(28 * 1024)
    expect(first.stored.buffer).not.toBe(arena.store(Buffer.alloc(10)).stored.buffer)
  })

  it('gives large batches memory of their own', () => {
    const arena = new BatchArena()
    const big = arena.store(Buffer.alloc(100 * 1024, 1))
    expect(big.chunk).toBe(OWN_MEMORY)
    expect(big.stored.buffer.byteLength).toBe(100 * 1024)
    expect(arena.allocatedBytes).toBe(100 * 1024)
    arena.releaseOwn(100 * 1024)
    expect(arena.allocatedBytes).toBe(0)
  })

  it('frees chunks from the front, never the one being filled', () => {
    const arena = new BatchArena()
    for (let i = 0; i < 13; i++) arena.store(Buffer.alloc(1000))
    // chunks 0 (4 KiB), 1 (8 KiB), 2 (16 KiB, being filled)
    arena.freeBefore(2)
    expect(arena.allocatedBytes).toBe(16 * 1024)
    arena.freeBefore(Number.POSITIVE_INFINITY)
    expect(arena.allocatedBytes).toBe(16 * 1024)
    arena.clear()
    expect(arena.allocatedBytes).toBe(0)
    expect(arena.store(Buffer.alloc(10)).chunk).toBe(3)
  })
})
