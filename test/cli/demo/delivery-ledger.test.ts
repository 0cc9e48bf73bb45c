import { describe, expect, it } from 'vitest'
import { DeliveryLedger } from '../../../src/cli/demo/delivery-ledger.js'

describe('DeliveryLedger', () => {
  it('counts nothing lost when every acknowledged record is processed, in either order', () => {
    const ledger = new DeliveryLedger()
    ledger.acknowledged(0, 0)
    ledger.processed(0, 0)
    // processed before its acknowledgement arrived
    ledger.processed(1, 7)
    expect(ledger.counts().outstanding).toBe(0)
    ledger.acknowledged(1, 7)
    expect(ledger.counts()).toEqual({
      acknowledged: 2,
      processed: 2,
      duplicates: 0,
      dropped: 0,
      skipped: 0,
      outstanding: 0,
    })
    expect(ledger.unfinished()).toEqual([])
  })

  it('finds an acknowledged record that was never processed', () => {
    const ledger = new DeliveryLedger()
    for (let offset = 0; offset < 100; offset++) ledger.acknowledged(3, offset)
    for (let offset = 0; offset < 100; offset++) if (offset !== 42) ledger.processed(3, offset)
    expect(ledger.counts().outstanding).toBe(1)
    expect(ledger.unfinished()).toEqual([{ partition: 3, offset: 42 }])
  })

  it('counts a second processing of a record as a duplicate, not as a second record', () => {
    const ledger = new DeliveryLedger()
    ledger.acknowledged(0, 5)
    ledger.processed(0, 5)
    ledger.processed(0, 5)
    ledger.processed(0, 5)
    expect(ledger.counts()).toMatchObject({ processed: 1, duplicates: 2, outstanding: 0 })
  })

  it('counts records dropped or skipped by policy as finished but not processed', () => {
    const ledger = new DeliveryLedger()
    ledger.acknowledged(0, 0)
    ledger.acknowledged(0, 1)
    ledger.acknowledged(0, 2)
    ledger.dropped(0, 0)
    ledger.dropped(0, 0)
    ledger.skipped(0, 1)
    expect(ledger.counts()).toMatchObject({ processed: 0, dropped: 1, skipped: 1, outstanding: 1 })
    expect(ledger.unfinished()).toEqual([{ partition: 0, offset: 2 }])
  })

  it('keeps offsets far apart (chunks) and lists unfinished ones in order, up to a limit', () => {
    const ledger = new DeliveryLedger()
    for (const offset of [1_000_000, 5, 200_000]) ledger.acknowledged(2, offset)
    ledger.acknowledged(0, 9)
    expect(ledger.unfinished()).toEqual([
      { partition: 0, offset: 9 },
      { partition: 2, offset: 5 },
      { partition: 2, offset: 200_000 },
      { partition: 2, offset: 1_000_000 },
    ])
    expect(ledger.unfinished(2)).toHaveLength(2)
  })

  it('finds commits past unfinished work', () => {
    const ledger = new DeliveryLedger()
    for (let offset = 0; offset < 10; offset++) ledger.acknowledged(1, offset)
    for (let offset = 0; offset < 6; offset++) if (offset !== 3) ledger.processed(1, offset)
    // committing 3 is fine (offsets 0-2 are done); 6 passes the unfinished offset 3
    expect(ledger.unfinishedBelow(1, 3)).toBe(0)
    expect(ledger.unfinishedBelow(1, 6)).toBe(1)
    expect(ledger.unfinishedBelow(1, 10)).toBe(5)
    expect(ledger.unfinishedBelow(4, 10)).toBe(0)
  })
})
