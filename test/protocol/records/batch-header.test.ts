import { describe, expect, it } from 'vitest'
import { CorruptRecordError, ProtocolError } from '../../../src/protocol/protocol-error.js'
import {
  BATCH_HEADER_BYTES,
  BatchLayout,
  CompressionType,
  computeBatchCrc,
  crc32c,
  decodeRecordBatch,
  encodeRecordBatch,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
  TimestampType,
  validateBatch,
  verifyBatchCrc,
} from '../../../src/protocol/records/index.js'

const sample = () =>
  encodeRecordBatch(
    [
      { key: Buffer.from('a'), value: Buffer.from('one'), timestamp: 1000 },
      { key: Buffer.from('b'), value: Buffer.from('two'), timestamp: 1500 },
    ],
    {
      compression: CompressionType.Gzip,
      producerId: 5n,
      producerEpoch: 1,
      baseSequence: 40,
      transactional: true,
    },
  )

describe('crc32c', () => {
  it('matches the standard check value and continues across pieces', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    expect(crc32c(Buffer.from('6789'), crc32c(Buffer.from('12345')))).toBe(0xe3069283)
    expect(crc32c(Buffer.alloc(32, 0xff))).toBeGreaterThan(0)
  })
})

describe('readBatchHeader', () => {
  it('reads every fixed field', () => {
    expect(readBatchHeader(sample())).toMatchObject({
      baseOffset: 0n,
      partitionLeaderEpoch: -1,
      magic: 2,
      compression: CompressionType.Gzip,
      timestampType: TimestampType.CreateTime,
      isTransactional: true,
      isControl: false,
      lastOffsetDelta: 1,
      baseTimestamp: 1000,
      maxTimestamp: 1500,
      producerId: 5n,
      producerEpoch: 1,
      baseSequence: 40,
      recordCount: 2,
    })
  })

  it('needs only the 61 header bytes; records may be absent or garbage', () => {
    const batch = sample()
    const headerOnly = batch.subarray(0, BATCH_HEADER_BYTES)
    expect(readBatchHeader(headerOnly).recordCount).toBe(2)
    const garbage = Buffer.from(batch)
    garbage.fill(0xff, BATCH_HEADER_BYTES)
    expect(readBatchHeader(garbage)).toEqual(readBatchHeader(batch))
    expect(() => decodeRecordBatch(garbage)).toThrow(CorruptRecordError)
  })

  it('reads at an offset and refuses what is not a magic 2 header', () => {
    const batch = sample()
    const shifted = Buffer.concat([Buffer.alloc(5), batch])
    expect(readBatchHeader(shifted, 5)).toEqual(readBatchHeader(batch))
    expect(() => readBatchHeader(batch.subarray(0, 60))).toThrow(/truncated record batch header/)
    expect(() => readBatchHeader(batch, -1)).toThrow(ProtocolError)
    expect(() => readBatchHeader(batch, batch.length + 1)).toThrow(ProtocolError)
    const magic1 = Buffer.from(batch)
    magic1[BatchLayout.MAGIC] = 1
    expect(() => readBatchHeader(magic1)).toThrow(/magic 1/)
    const short = Buffer.from(batch)
    short.writeInt32BE(48, BatchLayout.BATCH_LENGTH)
    expect(() => readBatchHeader(short)).toThrow(/below the minimum/)
    short.writeInt32BE(-1, BatchLayout.BATCH_LENGTH)
    expect(() => readBatchHeader(short)).toThrow(/below the minimum/)
  })
})

describe('CRC and validation without decompressing', () => {
  it('verifies a good batch and computes the stored CRC', () => {
    const batch = sample()
    expect(() => verifyBatchCrc(batch)).not.toThrow()
    expect(computeBatchCrc(batch)).toBe(batch.readUInt32BE(BatchLayout.CRC))
  })

  it('checks the CRC of compressed bytes as they are', () => {
    const batch = sample()
    // corrupt the compressed payload: the CRC catches it without gunzip ever running
    batch[batch.length - 10] ^= 0x40
    expect(() => verifyBatchCrc(batch)).toThrow(CorruptRecordError)
    expect(() => validateBatch(batch)).toThrow(CorruptRecordError)
  })

  it('needs the whole batch to check the CRC', () => {
    const batch = sample()
    expect(() => verifyBatchCrc(batch.subarray(0, batch.length - 1))).toThrow(/truncated record batch/)
  })

  it('validateBatch refuses unknown compression and negative counts, after the CRC', () => {
    const batch = sample()
    batch.writeInt16BE(6, BatchLayout.ATTRIBUTES)
    expect(() => validateBatch(batch)).toThrow(CorruptRecordError)
    batch.writeUInt32BE(crc32c(batch.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC)
    expect(() => validateBatch(batch)).toThrow(/unknown compression type 6/)
    const negative = sample()
    negative.writeInt32BE(-2, BatchLayout.RECORD_COUNT)
    expect(() => validateBatch(negative, 0, { verifyCrc: false })).toThrow(/negative record count/)
    expect(validateBatch(sample()).recordCount).toBe(2)
  })
})

describe('in-place rewrites', () => {
  it('setBaseOffset moves the records and keeps the CRC valid', () => {
    const batch = sample()
    setBaseOffset(batch, 0, 1_000_000n)
    expect(() => verifyBatchCrc(batch)).not.toThrow()
    const decoded = decodeRecordBatch(batch)
    expect(decoded.baseOffset).toBe(1_000_000n)
    expect(decoded.records.map((r) => r.offset)).toEqual([1_000_000, 1_000_001])
  })

  it('setPartitionLeaderEpoch keeps the CRC valid', () => {
    const batch = sample()
    setPartitionLeaderEpoch(batch, 0, 17)
    expect(() => verifyBatchCrc(batch)).not.toThrow()
    expect(readBatchHeader(batch).partitionLeaderEpoch).toBe(17)
  })

  it('rewrites the batch at the given position only', () => {
    const a = sample()
    const b = sample()
    const both = Buffer.concat([a, b])
    setBaseOffset(both, a.length, 50n)
    expect(readBatchHeader(both, 0).baseOffset).toBe(0n)
    expect(readBatchHeader(both, a.length).baseOffset).toBe(50n)
    expect(() => setBaseOffset(both, both.length - 10, 1n)).toThrow(ProtocolError)
    expect(() => setPartitionLeaderEpoch(both, -1, 1)).toThrow(ProtocolError)
  })
})
