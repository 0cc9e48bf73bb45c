import { describe, expect, it } from 'vitest'
import {
  FIRST_PRODUCER_ID,
  ProducerIdAllocator,
} from '../../../src/broker/producers/producer-id-allocator.js'
import { EXHAUSTED_EPOCH, ProducerIdManager } from '../../../src/broker/producers/producer-id-manager.js'

function manager(maxTracked?: number): ProducerIdManager {
  return new ProducerIdManager(new ProducerIdAllocator(undefined), maxTracked)
}

describe('ProducerIdManager', () => {
  it('hands each new producer a distinct id with epoch 0', () => {
    const m = manager()
    const ids = Array.from({ length: 50 }, () => m.initialize(undefined))
    expect(ids.every((g) => g.producerEpoch === 0)).toBe(true)
    expect(new Set(ids.map((g) => g.producerId)).size).toBe(50)
    expect(ids[0].producerId).toBe(FIRST_PRODUCER_ID)
  })

  it('bumps the epoch of a producer presenting its id and current epoch (KIP-360)', () => {
    const m = manager()
    const { producerId } = m.initialize(undefined)
    expect(m.initialize({ producerId, producerEpoch: 0 })).toEqual({ producerId, producerEpoch: 1 })
    expect(m.initialize({ producerId, producerEpoch: 1 })).toEqual({ producerId, producerEpoch: 2 })
  })

  it('answers a retried bump (the epoch before the last bump) with the current epoch, without bumping again', () => {
    const m = manager()
    const { producerId } = m.initialize(undefined)
    m.initialize({ producerId, producerEpoch: 0 })
    expect(m.initialize({ producerId, producerEpoch: 0 })).toEqual({ producerId, producerEpoch: 1 })
    expect(m.initialize({ producerId, producerEpoch: 0 })).toEqual({ producerId, producerEpoch: 1 })
  })

  it('gives any other epoch of a known id a new id with epoch 0, as Kafka does, and leaves the id as it was', () => {
    const m = manager()
    const { producerId } = m.initialize(undefined)
    m.initialize({ producerId, producerEpoch: 0 })
    m.initialize({ producerId, producerEpoch: 1 })
    // epoch 0 is two bumps old, 5 was never issued
    const fromOld = m.initialize({ producerId, producerEpoch: 0 })
    const fromUnknown = m.initialize({ producerId, producerEpoch: 5 })
    expect([fromOld.producerEpoch, fromUnknown.producerEpoch]).toEqual([0, 0])
    expect(new Set([producerId, fromOld.producerId, fromUnknown.producerId]).size).toBe(3)
    // the holder of the current epoch can still bump it
    expect(m.initialize({ producerId, producerEpoch: 2 })).toEqual({ producerId, producerEpoch: 3 })
  })

  it('gives an id it does not know a new id (never bumps a stranger)', () => {
    const m = manager()
    const first = m.initialize(undefined)
    // @platformatic/kafka presents (0, 0) before it has an id: 0 is never handed out
    const fresh = m.initialize({ producerId: 0n, producerEpoch: 0 })
    expect(fresh.producerEpoch).toBe(0)
    expect(fresh.producerId).not.toBe(0n)
    expect(fresh.producerId).not.toBe(first.producerId)
    const other = m.initialize({ producerId: 999_999n, producerEpoch: 7 })
    expect(other.producerEpoch).toBe(0)
    expect([first.producerId, fresh.producerId]).not.toContain(other.producerId)
  })

  it('moves a producer whose epoch is exhausted to a new id, and answers a retry of that move the same way', () => {
    const m = manager()
    const { producerId } = m.initialize(undefined)
    let epoch = 0
    while (epoch < EXHAUSTED_EPOCH) epoch = m.initialize({ producerId, producerEpoch: epoch }).producerEpoch
    expect(epoch).toBe(EXHAUSTED_EPOCH)
    const moved = m.initialize({ producerId, producerEpoch: EXHAUSTED_EPOCH })
    expect(moved.producerId).not.toBe(producerId)
    expect(moved.producerEpoch).toBe(0)
    expect(m.initialize({ producerId, producerEpoch: EXHAUSTED_EPOCH })).toEqual(moved)
    // an older epoch of the id that moved on: yet another new id
    const stale = m.initialize({ producerId, producerEpoch: EXHAUSTED_EPOCH - 1 })
    expect(stale.producerEpoch).toBe(0)
    expect([producerId, moved.producerId]).not.toContain(stale.producerId)
    expect(m.initialize({ producerId: moved.producerId, producerEpoch: 0 })).toEqual({
      producerId: moved.producerId,
      producerEpoch: 1,
    })
  })

  it('forgets the least recently used ids past its bound, which then get new ids', () => {
    const m = manager(2)
    const a = m.initialize(undefined).producerId
    const b = m.initialize(undefined).producerId
    // a is used again, so b is the least recently used when c arrives
    m.initialize({ producerId: a, producerEpoch: 0 })
    m.initialize(undefined)
    expect(m.initialize({ producerId: a, producerEpoch: 1 })).toEqual({
      producerId: a,
      producerEpoch: 2,
    })
    const forB = m.initialize({ producerId: b, producerEpoch: 0 })
    expect(forB.producerId).not.toBe(b)
    expect(forB.producerEpoch).toBe(0)
  })
})
