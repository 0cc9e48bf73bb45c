import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CorruptRecordError, ProtocolError } from '../../../src/protocol/protocol-error.js'
import {
  BatchLayout,
  CompressionType,
  crc32c,
  decodeRecordBatch,
  decodeRecordBatchAsync,
  encodeRecordBatch,
  encodeRecordBatchAsync,
  type RecordInput,
  TimestampType,
  verifyBatchCrc,
} from '../../../src/protocol/records/index.js'
import { viewConstructor } from '../../../src/protocol/records/record.js'
import { expectRecords, NOW, recordsArbitrary } from './record-arbitrary.js'

const now = () => NOW
const compressions = [
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
]

/** Rewrites the CRC after a deliberate edit, so the edit itself is what gets tested. */
function reseal(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32c(batch.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC)
  return batch
}

/** Runs `fn` and asserts it either returns or throws a ProtocolError, never anything else. */
function onlyProtocolErrors(fn: () => unknown): void {
  try {
    fn()
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error
  }
}

describe.each(compressions)('record batch round trip, compression %i', (compression) => {
  it('decodes what it encodes (sync and async), with header fields intact', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordsArbitrary,
        fc.bigInt({ min: 0n, max: 2n ** 50n }),
        fc.boolean(),
        async (records, baseOffset, transactional) => {
          const options = {
            compression,
            baseOffset,
            transactional,
            producerId: 77n,
            producerEpoch: 3,
            baseSequence: 12,
            partitionLeaderEpoch: 9,
            now,
          }
          const batch = encodeRecordBatch(records, options)
          expect(await encodeRecordBatchAsync(records, options)).toEqual(batch)
          for (const decoded of [decodeRecordBatch(batch), await decodeRecordBatchAsync(batch)]) {
            expectRecords(decoded, records, baseOffset)
            expect(decoded).toMatchObject({
              baseOffset,
              batchLength: batch.length - 12,
              size: batch.length,
              partitionLeaderEpoch: 9,
              magic: 2,
              compression,
              timestampType: TimestampType.CreateTime,
              isTransactional: transactional,
              isControl: false,
              lastOffsetDelta: records[records.length - 1].offsetDelta ?? records.length - 1,
              producerId: 77n,
              producerEpoch: 3,
              baseSequence: 12,
            })
            const timestamps = records.map((r) => r.timestamp ?? NOW)
            expect(decoded.baseTimestamp).toBe(timestamps[0])
            expect(decoded.maxTimestamp).toBe(Math.max(...timestamps))
          }
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe('record batch encoding', () => {
  it('uses the documented defaults of a plain producer', () => {
    const batch = decodeRecordBatch(encodeRecordBatch([{ value: Buffer.from('v') }], { now }))
    expect(batch).toMatchObject({
      baseOffset: 0n,
      partitionLeaderEpoch: -1,
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
      compression: CompressionType.None,
      isTransactional: false,
      isControl: false,
    })
    expect(batch.records[0]).toEqual({
      offset: 0,
      timestamp: NOW,
      key: null,
      value: Buffer.from('v'),
      headers: [],
    })
  })

  it('lays the header out at the documented byte positions', () => {
    const batch = encodeRecordBatch(
      [
        { value: null, timestamp: 5000 },
        { value: null, timestamp: 7000 },
      ],
      { baseOffset: 0x0102030405n, producerId: 42n, control: true },
    )
    expect(batch.readBigInt64BE(0)).toBe(0x0102030405n)
    expect(batch.readInt32BE(8)).toBe(batch.length - 12)
    expect(batch.readInt8(16)).toBe(2)
    expect(batch.readUInt32BE(17)).toBe(crc32c(batch.subarray(21)))
    expect(batch.readInt16BE(21)).toBe(0x20)
    expect(batch.readInt32BE(23)).toBe(1)
    expect(batch.readBigInt64BE(27)).toBe(5000n)
    expect(batch.readBigInt64BE(35)).toBe(7000n)
    expect(batch.readBigInt64BE(43)).toBe(42n)
    expect(batch.readInt32BE(57)).toBe(2)
    // first record: length 6, attributes 0, timestamp delta 0, offset delta 0, null key, null value, no headers
    expect([...batch.subarray(61, 68)]).toEqual([12, 0, 0, 0, 1, 1, 0])
  })

  it('sets the timestamp-type bit for log-append time and reports maxTimestamp for every record', () => {
    const batch = encodeRecordBatch(
      [
        { value: null, timestamp: 10 },
        { value: null, timestamp: 30 },
      ],
      { timestampType: TimestampType.LogAppendTime },
    )
    expect(batch.readInt16BE(BatchLayout.ATTRIBUTES) & 0x08).toBe(0x08)
    const decoded = decodeRecordBatch(batch)
    expect(decoded.timestampType).toBe(TimestampType.LogAppendTime)
    expect(decoded.records.map((r) => r.timestamp)).toEqual([30, 30])
  })

  it('encodes an empty batch with no timestamps and lastOffsetDelta -1', () => {
    const decoded = decodeRecordBatch(encodeRecordBatch([], { compression: CompressionType.Lz4 }))
    expect(decoded).toMatchObject({
      recordCount: 0,
      lastOffsetDelta: -1,
      baseTimestamp: -1,
      maxTimestamp: -1,
    })
    expect(decoded.records).toEqual([])
  })

  it('rejects input it cannot represent', () => {
    const bad: [RecordInput[], object][] = [
      [
        [
          { value: null, offsetDelta: 1 },
          { value: null, offsetDelta: 1 },
        ],
        {},
      ],
      [[{ value: null, offsetDelta: -1 }], {}],
      [[{ value: null, offsetDelta: 2 ** 31 }], {}],
      [[{ value: null, timestamp: 1.5 }], {}],
      [[{ value: 'text' as unknown as Buffer }], {}],
      [[{ value: null, headers: [{ key: 7 as unknown as string, value: null }] }], {}],
      [[{ value: null }], { producerEpoch: 40_000 }],
      [[{ value: null }], { baseOffset: 2n ** 63n }],
      [[{ value: null }], { compression: 5 }],
    ]
    for (const [records, options] of bad) {
      expect(() => encodeRecordBatch(records, options)).toThrow(ProtocolError)
    }
  })
})

describe('record batch decoding: what records are made of', () => {
  // Keys from a tiny alphabet, up to 20 headers per record: the decoder reuses a
  // header key string when the bytes at the same position match the previous
  // record's, so same-length keys with different bytes, repeats, reorderings,
  // multi-byte characters and positions past the ones it remembers must all
  // still come out exactly.
  const headerKey = fc.constantFrom('', 'a', 'b', 'ab', 'ba', 'é', 'trace', 'tracf', 'ü'.repeat(3))
  const recordsWithManyHeaders = fc.array(
    fc.record({
      value: fc.constant(Buffer.from('v')),
      headers: fc.array(fc.record({ key: headerKey, value: fc.constant(null) }), { maxLength: 20 }),
    }),
    { minLength: 1, maxLength: 12 },
  )

  it('decodes every header key exactly, however keys repeat or change between records', () => {
    fc.assert(
      fc.property(recordsWithManyHeaders, fc.constantFrom(...compressions), (records, compression) => {
        expectRecords(decodeRecordBatch(encodeRecordBatch(records, { compression, now })), records, 0n)
      }),
      { numRuns: 200 },
    )
  })

  it('gives keys, values and header values as Buffers that view the batch bytes', () => {
    const batch = encodeRecordBatch(
      [
        {
          key: Buffer.from('key'),
          value: Buffer.from('value'),
          headers: [{ key: 'h', value: Buffer.from('hv') }],
        },
      ],
      { now },
    )
    const [record] = decodeRecordBatch(batch).records
    const header = record.headers[0]
    for (const view of [record.key, record.value, header.value]) {
      expect(Buffer.isBuffer(view)).toBe(true)
      expect(view?.buffer).toBe(batch.buffer)
    }
    expect([record.key, record.value, header.value].map(String)).toEqual(['key', 'value', 'hv'])
    // a view, not a copy: the batch's bytes show through
    batch[batch.indexOf('value')] = 0x56
    expect(String(record.value)).toBe('Value')
    expect(record.value?.subarray(1)).toEqual(Buffer.from('alue'))
  })
})

describe('record view constructor', () => {
  const memory = new ArrayBuffer(8)
  new Uint8Array(memory).set([1, 2, 3, 4, 5, 6, 7, 8])

  it("uses Node's Buffer species, which makes Buffer views", () => {
    const species = (Buffer as { [Symbol.species]?: unknown })[Symbol.species]
    expect(viewConstructor(species)).toBe(species)
  })

  it('falls back to Buffer.from views when the species is missing or makes something else', () => {
    const throwing = () => {
      throw new Error('not a constructor of views')
    }
    for (const species of [undefined, Uint8Array, Object, throwing]) {
      const View = viewConstructor(species)
      expect(View).not.toBe(species)
      const view = new View(memory, 2, 3)
      expect(Buffer.isBuffer(view)).toBe(true)
      expect(view.buffer).toBe(memory)
      expect([...view]).toEqual([3, 4, 5])
    }
  })
})

describe('record batch decoding of bad input', () => {
  it('detects a change to any byte the CRC covers', () => {
    fc.assert(
      fc.property(
        recordsArbitrary,
        fc.constantFrom(...compressions),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (records, compression, position, flip) => {
          const batch = encodeRecordBatch(records, { compression, now })
          const at = BatchLayout.ATTRIBUTES + (position % (batch.length - BatchLayout.ATTRIBUTES))
          batch[at] ^= flip
          expect(() => verifyBatchCrc(batch)).toThrow(CorruptRecordError)
          expect(() => decodeRecordBatch(batch)).toThrow(CorruptRecordError)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('reports the stored and computed CRC', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('x') }])
    const stored = batch.readUInt32BE(BatchLayout.CRC)
    batch[batch.length - 1] ^= 1
    try {
      decodeRecordBatch(batch)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(CorruptRecordError)
      expect((error as CorruptRecordError).expectedCrc).toBe(stored)
      expect((error as CorruptRecordError).actualCrc).toBe(crc32c(batch.subarray(BatchLayout.ATTRIBUTES)))
    }
  })

  it.each(compressions)(
    'throws only ProtocolError when cut at every byte (compression %i)',
    (compression) => {
      const batch = encodeRecordBatch(
        [
          { key: Buffer.from('k1'), value: Buffer.from('first value'), headers: [{ key: 'h', value: null }] },
          { key: null, value: Buffer.from('second value'), timestamp: NOW + 1000 },
        ],
        { compression, now },
      )
      for (let cut = 0; cut < batch.length; cut++) {
        expect(() => decodeRecordBatch(batch.subarray(0, cut))).toThrow(ProtocolError)
      }
    },
  )

  it.each(compressions)(
    'survives any single-byte edit with the CRC check off (compression %i)',
    (compression) => {
      fc.assert(
        fc.property(
          recordsArbitrary,
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (records, position, flip) => {
            const batch = encodeRecordBatch(records, { compression, now })
            batch[position % batch.length] ^= flip
            onlyProtocolErrors(() => decodeRecordBatch(batch, 0, { verifyCrc: false }))
          },
        ),
        { numRuns: 200 },
      )
    },
  )

  it('throws only ProtocolError on random bytes, even behind a valid header and CRC', () => {
    const header = encodeRecordBatch([], {}).subarray(0, 61)
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: -3, max: 40 }),
        (body, compression, count) => {
          onlyProtocolErrors(() => decodeRecordBatch(Buffer.from(body)))
          const batch = Buffer.concat([header, body])
          batch.writeInt32BE(batch.length - 12, BatchLayout.BATCH_LENGTH)
          batch.writeInt16BE(compression, BatchLayout.ATTRIBUTES)
          batch.writeInt32BE(count, BatchLayout.RECORD_COUNT)
          onlyProtocolErrors(() => decodeRecordBatch(reseal(batch)))
        },
      ),
      { numRuns: 500 },
    )
  })

  it('refuses unknown compression types 5-7 once the CRC matches', () => {
    for (const type of [5, 6, 7]) {
      const batch = encodeRecordBatch([{ value: Buffer.from('x') }])
      batch.writeInt16BE(type, BatchLayout.ATTRIBUTES)
      reseal(batch)
      expect(() => decodeRecordBatch(batch)).toThrow(/unknown compression type/)
    }
  })

  it('bounds the record count by the bytes present before allocating', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('x') }])
    batch.writeInt32BE(2_000_000_000, BatchLayout.RECORD_COUNT)
    expect(() => decodeRecordBatch(reseal(batch))).toThrow(/cannot fit/)
    const compressed = encodeRecordBatch([{ value: Buffer.from('x') }], { compression: CompressionType.Lz4 })
    compressed.writeInt32BE(2_000_000_000, BatchLayout.RECORD_COUNT)
    expect(() => decodeRecordBatch(reseal(compressed))).toThrow(/cannot fit/)
    compressed.writeInt32BE(-1, BatchLayout.RECORD_COUNT)
    expect(() => decodeRecordBatch(reseal(compressed))).toThrow(/negative record count/)
  })

  it('refuses bytes left over after the declared records', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }])
    batch.writeInt32BE(1, BatchLayout.RECORD_COUNT)
    expect(() => decodeRecordBatch(reseal(batch))).toThrow(/left after/)
  })

  it('refuses a record whose declared length is more than its fields take', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('abc') }])
    const length = batch[BatchLayout.RECORDS] / 2 // one-byte zigzag varint
    const padded = Buffer.concat([
      batch.subarray(0, BatchLayout.RECORDS),
      Buffer.from([(length + 1) * 2]),
      batch.subarray(BatchLayout.RECORDS + 1),
      Buffer.from([0]),
    ])
    padded.writeInt32BE(padded.length - 12, BatchLayout.BATCH_LENGTH)
    expect(() => decodeRecordBatch(reseal(padded))).toThrow(/declared 10 bytes but its fields took 9/)
  })

  it('refuses a record whose fields run past its declared length', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('abc') }])
    // value length varint: zigzag(3) = 6; claim 2 bytes instead (zigzag 4)
    const at = batch.indexOf(Buffer.from([6, 0x61, 0x62, 0x63]), BatchLayout.RECORDS)
    batch[at] = 4
    expect(() => decodeRecordBatch(reseal(batch))).toThrow(ProtocolError)
  })

  it('refuses a decompressed section above the configured limit', async () => {
    const records = Array.from({ length: 8 }, () => ({ value: Buffer.alloc(256 * 1024) }))
    for (const compression of compressions.slice(1)) {
      const batch = encodeRecordBatch(records, { compression })
      expect(batch.length).toBeLessThan(200_000)
      expect(() => decodeRecordBatch(batch, 0, { maxDecompressedBytes: 1024 * 1024 })).toThrow(/limit/)
      await expect(decodeRecordBatchAsync(batch, 0, { maxDecompressedBytes: 1024 * 1024 })).rejects.toThrow(
        ProtocolError,
      )
      expect(decodeRecordBatch(batch).records).toHaveLength(8)
    }
  })

  it('rejects a decompression limit that is not a size', () => {
    const batch = encodeRecordBatch([{ value: null }])
    for (const maxDecompressedBytes of [-1, Number.NaN, 1.5]) {
      expect(() => decodeRecordBatch(batch, 0, { maxDecompressedBytes })).toThrow(/maxDecompressedBytes/)
    }
  })

  it('decodes a batch at an offset inside a larger buffer', () => {
    const batch = encodeRecordBatch([{ value: Buffer.from('inside') }], { baseOffset: 5n })
    const buf = Buffer.concat([Buffer.alloc(7, 0xee), batch, Buffer.alloc(3)])
    const decoded = decodeRecordBatch(buf, 7)
    expect(decoded.records[0]).toMatchObject({ offset: 5, value: Buffer.from('inside') })
  })

  it('refuses a base offset beyond the exact range of a number', () => {
    const batch = encodeRecordBatch([{ value: null }], { baseOffset: 2n ** 60n })
    expect(() => decodeRecordBatch(batch)).toThrow(/beyond the range/)
  })
})
