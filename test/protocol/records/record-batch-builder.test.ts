import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  BATCH_HEADER_BYTES,
  CompressionType,
  decodeRecordBatch,
  encodeRecordBatch,
  RecordBatchBuilder,
  readBatchHeader,
} from '../../../src/protocol/records/index.js'

const record = (i: number) => ({
  key: i % 3 === 0 ? null : Buffer.from(`key-${i}`),
  value: Buffer.from(`value-${i}-${'x'.repeat(i % 17)}`),
  headers: i % 2 ? [{ key: 'h', value: Buffer.from(String(i)) }] : [],
})

describe('RecordBatchBuilder', () => {
  for (const compression of [
    CompressionType.None,
    CompressionType.Gzip,
    CompressionType.Snappy,
    CompressionType.Lz4,
    CompressionType.Zstd,
  ]) {
    it(`builds the same bytes as encodeRecordBatch (compression ${CompressionType[compression]})`, () => {
      const records = Array.from({ length: 50 }, (_, i) => ({
        ...record(i),
        timestamp: 1_700_000_000_000 + ((i * 7) % 13),
      }))
      const builder = new RecordBatchBuilder(64 * 1024)
      for (const r of records) expect(builder.tryAppend(r, r.timestamp)).toBe(true)
      const producer = { producerId: 42n, producerEpoch: 3, baseSequence: 100 }
      const built = builder.seal({ compression, ...producer })
      expect(Buffer.from(built)).toEqual(encodeRecordBatch(records, { compression, ...producer }))
      const decoded = decodeRecordBatch(built)
      expect(decoded.records.map((r) => r.value?.toString())).toEqual(records.map((r) => r.value.toString()))
    })
  }

  it('refuses a record that would pass its capacity, and counts bytes exactly', () => {
    const alone = RecordBatchBuilder.sizeAlone(record(1))
    const builder = new RecordBatchBuilder(alone)
    expect(builder.tryAppend(record(1), 1000)).toBe(true)
    expect(builder.sizeInBytes).toBe(alone)
    expect(builder.tryAppend(record(2), 1000)).toBe(false)
    expect(builder.recordCount).toBe(1)
    expect(builder.seal().length).toBe(alone)
  })

  it('re-seals with new producer fields (an epoch bump) and keeps the compressed bytes', () => {
    const builder = new RecordBatchBuilder(4096)
    for (let i = 0; i < 10; i++) builder.tryAppend(record(i), 5)
    const first = Buffer.from(
      builder.seal({ compression: CompressionType.Zstd, producerId: 1n, producerEpoch: 0, baseSequence: 0 }),
    )
    expect(builder.retainedBytes).toBeLessThan(4096)
    const second = builder.seal({
      compression: CompressionType.Zstd,
      producerId: 1n,
      producerEpoch: 1,
      baseSequence: 0,
    })
    expect(readBatchHeader(second)).toMatchObject({ producerEpoch: 1, compression: CompressionType.Zstd })
    expect(second.subarray(BATCH_HEADER_BYTES)).toEqual(first.subarray(BATCH_HEADER_BYTES))
    expect(decodeRecordBatch(second).records).toHaveLength(10)
  })

  it('decodes to what was appended, for any records and timestamps', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.option(fc.uint8Array({ maxLength: 20 })),
            value: fc.option(fc.uint8Array({ maxLength: 50 })),
            timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (records) => {
          const builder = new RecordBatchBuilder(1 << 16)
          for (const r of records) {
            builder.tryAppend(
              { key: r.key && Buffer.from(r.key), value: r.value && Buffer.from(r.value) },
              r.timestamp,
            )
          }
          const decoded = decodeRecordBatch(builder.seal()).records
          expect(decoded.map((d) => d.timestamp)).toEqual(records.map((r) => r.timestamp))
          expect(decoded.map((d) => d.key && [...d.key])).toEqual(records.map((r) => r.key && [...r.key]))
          expect(decoded.map((d) => d.offset)).toEqual(records.map((_, i) => i))
        },
      ),
    )
  })
})
