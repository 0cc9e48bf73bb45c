import { describe, expect, it } from 'vitest'
import { ProtocolError } from '../../../src/protocol/protocol-error.js'
import {
  BatchLayout,
  type BatchSpan,
  CompressionType,
  decodeRecordBatch,
  encodeRecordBatch,
  forEachBatch,
  iterateBatches,
  LOG_OVERHEAD,
} from '../../../src/protocol/records/index.js'

function blob() {
  const batches = [
    encodeRecordBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }], { baseOffset: 0n }),
    encodeRecordBatch([{ value: Buffer.from('c') }], { baseOffset: 2n, compression: CompressionType.Snappy }),
    encodeRecordBatch([{ value: Buffer.from('d') }, { value: Buffer.from('e') }], { baseOffset: 3n }),
  ]
  return { batches, bytes: Buffer.concat(batches) }
}

describe('walking concatenated batches', () => {
  it('visits every complete batch with its position and header', () => {
    const { batches, bytes } = blob()
    const seen: BatchSpan[] = []
    const end = forEachBatch(bytes, (span) => seen.push(span))
    expect(end).toEqual({ batchCount: 3, end: bytes.length, truncatedBytes: 0 })
    expect(seen.map((s) => s.size)).toEqual(batches.map((b) => b.length))
    expect(seen.map((s) => s.offset)).toEqual([0, batches[0].length, batches[0].length + batches[1].length])
    expect(seen.map((s) => s.header.baseOffset)).toEqual([0n, 2n, 3n])
    const values = seen.flatMap((s) => decodeRecordBatch(bytes, s.offset).records.map((r) => String(r.value)))
    expect(values).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it('stops cleanly at a truncated last batch, wherever it is cut', () => {
    const { batches, bytes } = blob()
    const firstTwo = batches[0].length + batches[1].length
    for (let cut = firstTwo; cut < bytes.length; cut++) {
      let count = 0
      const end = forEachBatch(bytes.subarray(0, cut), () => count++)
      expect(count).toBe(2)
      expect(end).toEqual({ batchCount: 2, end: firstTwo, truncatedBytes: cut - firstTwo })
    }
  })

  it('reports the walk result as the generator return value', () => {
    const { batches, bytes } = blob()
    const walk = iterateBatches(bytes.subarray(0, bytes.length - 1))
    const spans = []
    let step = walk.next()
    while (!step.done) {
      spans.push(step.value)
      step = walk.next()
    }
    expect(spans).toHaveLength(2)
    expect(step.value.truncatedBytes).toBe(batches[2].length - 1)
    expect([...iterateBatches(bytes, batches[0].length)].map((s) => s.header.baseOffset)).toEqual([2n, 3n])
  })

  it('treats an empty blob as no batches', () => {
    expect(forEachBatch(Buffer.alloc(0), () => expect.unreachable())).toEqual({
      batchCount: 0,
      end: 0,
      truncatedBytes: 0,
    })
  })

  it('throws on a batch length that is negative or below the header size', () => {
    const { batches, bytes } = blob()
    for (const length of [-1, -2_000_000_000, 0, 48]) {
      const broken = Buffer.from(bytes)
      broken.writeInt32BE(length, batches[0].length + BatchLayout.BATCH_LENGTH)
      let count = 0
      expect(() => forEachBatch(broken, () => count++)).toThrow(ProtocolError)
      expect(count).toBe(1)
    }
  })

  it('does not mistake a huge declared length for anything but a truncated tail', () => {
    const { batches, bytes } = blob()
    const broken = Buffer.from(bytes)
    broken.writeInt32BE(0x7fffffff, batches[0].length + BatchLayout.BATCH_LENGTH)
    expect(forEachBatch(broken, () => {})).toEqual({
      batchCount: 1,
      end: batches[0].length,
      truncatedBytes: bytes.length - batches[0].length,
    })
  })

  it('throws on a complete batch of another record format', () => {
    const { bytes } = blob()
    const old = Buffer.from(bytes)
    old[BatchLayout.MAGIC] = 1
    expect(() => forEachBatch(old, () => {})).toThrow(/magic 1/)
    expect(LOG_OVERHEAD).toBe(12)
  })
})
