import { describe, expect, it } from 'vitest'
import { LeaderEpochHistory } from '../../../src/broker/cluster/leader-epoch-history.js'
import { MemoryPartitionLog } from '../../../src/broker/log/memory-log.js'
import { makeBatch } from '../log/support/batches.js'

function history(...entries: [epoch: number, start: number][]): LeaderEpochHistory {
  const h = new LeaderEpochHistory()
  for (const [epoch, start] of entries) h.assign(epoch, start)
  return h
}

function memoryLog(): MemoryPartitionLog {
  return new MemoryPartitionLog({
    retention: { retentionMs: -1, retentionBytes: -1 },
    segment: { segmentBytes: 1 << 20, segmentMs: 1e12, indexIntervalBytes: 4096 },
  })
}

describe('leader epoch history', () => {
  it('keeps one entry per epoch, at the offset it started', () => {
    const h = history([0, 0], [0, 5], [1, 10], [3, 25])
    expect(h.all).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 10 },
      { epoch: 3, startOffset: 25 },
    ])
    expect(h.latestEpoch).toBe(3)
  })

  it('drops an epoch that wrote nothing once the next starts at the same offset, as Kafka does', () => {
    const h = history([0, 0], [1, 10], [2, 10], [3, 10], [4, 20])
    expect(h.all).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 4, startOffset: 20 },
    ])
  })

  it('removes entries a non-monotonic assignment contradicts', () => {
    const h = history([0, 0], [2, 10], [5, 30])
    h.assign(4, 20)
    expect(h.all).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 10 },
      { epoch: 4, startOffset: 20 },
    ])
    h.assign(1, 5)
    expect(h.all).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 5 },
    ])
  })

  it("answers OffsetForLeaderEpoch with Kafka's endOffsetFor", () => {
    const h = history([0, 0], [1, 10], [3, 25])
    const logEnd = 40
    // the current epoch runs to the log end
    expect(h.endOffsetFor(3, 0, logEnd)).toEqual({ leaderEpoch: 3, endOffset: 40 })
    // an older epoch ends where the next begins
    expect(h.endOffsetFor(0, 0, logEnd)).toEqual({ leaderEpoch: 0, endOffset: 10 })
    expect(h.endOffsetFor(1, 0, logEnd)).toEqual({ leaderEpoch: 1, endOffset: 25 })
    // an epoch that wrote nothing: the largest earlier epoch, ending where the next one began
    expect(h.endOffsetFor(2, 0, logEnd)).toEqual({ leaderEpoch: 1, endOffset: 25 })
    // newer than any, or undefined
    expect(h.endOffsetFor(4, 0, logEnd)).toEqual({ leaderEpoch: -1, endOffset: -1 })
    expect(h.endOffsetFor(-1, 0, logEnd)).toEqual({ leaderEpoch: -1, endOffset: -1 })
  })

  it('answers an epoch older than every one held with the start of the first held', () => {
    const h = history([2, 100], [4, 150])
    expect(h.endOffsetFor(1, 100, 200)).toEqual({ leaderEpoch: 1, endOffset: 100 })
    expect(h.endOffsetFor(0, 100, 200)).toEqual({ leaderEpoch: 0, endOffset: 100 })
  })

  it('applies the log start: epochs wholly deleted collapse into one starting at the log start', () => {
    const h = history([0, 0], [1, 10], [2, 20], [3, 30])
    // log start 25: epochs 0 and 1 are gone, epoch 2 now starts at 25
    expect(h.endOffsetFor(0, 25, 50)).toEqual({ leaderEpoch: 0, endOffset: 25 })
    expect(h.endOffsetFor(1, 25, 50)).toEqual({ leaderEpoch: 1, endOffset: 25 })
    expect(h.endOffsetFor(2, 25, 50)).toEqual({ leaderEpoch: 2, endOffset: 30 })
    expect(h.epochForOffset(25, 25)).toBe(2)
    // an entry starting exactly at the log start stays as it is
    expect(h.endOffsetFor(2, 30, 50)).toEqual({ leaderEpoch: 2, endOffset: 30 })
    expect(h.epochForOffset(30, 30)).toBe(3)
    // the stored entries themselves are untouched
    expect(h.all).toHaveLength(4)
  })

  it('tells the epoch an offset was written under', () => {
    const h = history([0, 0], [1, 10], [3, 25])
    expect(h.epochForOffset(0, 0)).toBe(0)
    expect(h.epochForOffset(9, 0)).toBe(0)
    expect(h.epochForOffset(10, 0)).toBe(1)
    expect(h.epochForOffset(24, 0)).toBe(1)
    expect(h.epochForOffset(25, 0)).toBe(3)
    expect(history([2, 5]).epochForOffset(3, 0)).toBe(-1)
    expect(new LeaderEpochHistory().endOffsetFor(0, 0, 10)).toEqual({ leaderEpoch: -1, endOffset: -1 })
  })

  it('is rebuilt from the epochs stamped in stored batch headers, plus the current epoch', () => {
    const log = memoryLog()
    const append = (records: number, leaderEpoch: number) => {
      const { batch, info } = makeBatch({ records })
      return log.append(batch, { ...info, leaderEpoch })
    }
    append(3, 0) // 0-2
    append(2, 0) // 3-4
    append(4, 2) // 5-8
    append(1, 5) // 9
    append(1, 5) // 10
    const rebuilt = LeaderEpochHistory.fromLog(log, 7)
    expect(rebuilt.all).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 5 },
      { epoch: 5, startOffset: 9 },
      { epoch: 7, startOffset: 11 },
    ])
    expect(rebuilt.endOffsetFor(5, 0, log.logEndOffset)).toEqual({ leaderEpoch: 5, endOffset: 11 })
    // a current epoch that already wrote adds nothing
    expect(LeaderEpochHistory.fromLog(log, 5).all.at(-1)).toEqual({ epoch: 5, startOffset: 9 })
    // an empty log has just the current epoch, from offset 0
    expect(LeaderEpochHistory.fromLog(memoryLog(), 3).all).toEqual([{ epoch: 3, startOffset: 0 }])
  })
})
