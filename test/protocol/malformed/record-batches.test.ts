import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { compressFrameSync } from 'lz4-napi'
import { compressSync as snappyBlock } from 'snappy'
import { describe, expect, it } from 'vitest'
import { compress as zstdCompress } from 'zstd-napi'
import { CorruptRecordError, ProtocolError } from '../../../src/protocol/protocol-error.js'
import {
  BATCH_HEADER_BYTES,
  BatchLayout,
  CompressionType,
  crc32c,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  decodeRecordBatch,
  decodeRecordBatchAsync,
  encodeRecordBatch,
  forEachBatch,
  LOG_OVERHEAD,
  type RecordInput,
  readBatchHeader,
  validateBatch,
  verifyBatchCrc,
} from '../../../src/protocol/records/index.js'
import { mutatedArbitrary } from './mutation.js'
import { crashError, decodeOrRefuse, decodeOrRefuseAsync, OutcomeTally } from './refusal.js'

/*
 * Record batches, built by the record module's own encoder with every
 * compression codec, then damaged. Decoding may succeed or throw a
 * ProtocolError; a CRC mismatch is specifically a CorruptRecordError. Batches
 * are also "resealed" after damage (batchLength and CRC made to match again),
 * which gets the damage past the checksum and into the decompressors and the
 * record reader, where a hostile producer would aim it.
 */
const NOW = 1_700_000_000_000
const now = () => NOW
const CODECS = [
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
] as const
const MiB = 1024 * 1024

/** Small record sets, some of repetitive bytes so the codecs produce real compressed blocks. */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 48 }).map((u) => Buffer.from(u)),
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 400 }))
    .map(([b, n]) => Buffer.alloc(n, b)),
)
const recordArbitrary: fc.Arbitrary<RecordInput> = fc.record({
  key: fc.option(payload, { nil: null }),
  value: fc.option(payload, { nil: null }),
  headers: fc.array(
    fc.record({ key: fc.string({ maxLength: 6 }), value: fc.option(payload, { nil: null }) }),
    {
      maxLength: 2,
    },
  ),
  timestamp: fc.integer({ min: NOW - 2 ** 30, max: NOW + 2 ** 30 }),
})
const recordsArbitrary = fc.array(recordArbitrary, { maxLength: 8 })

function batchArbitrary(compression: CompressionType): fc.Arbitrary<Buffer> {
  return fc
    .tuple(recordsArbitrary, fc.bigInt({ min: 0n, max: 2n ** 40n }))
    .map(([records, baseOffset]) => encodeRecordBatch(records, { compression, baseOffset, now }))
}

/** Makes batchLength and the CRC match the bytes again (in place), when there is a header to patch. */
function reseal(batch: Buffer): Buffer {
  if (batch.length < BATCH_HEADER_BYTES) return batch
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BatchLayout.BATCH_LENGTH)
  batch.writeUInt32BE(crc32c(batch.subarray(BatchLayout.ATTRIBUTES)), BatchLayout.CRC)
  return batch
}

/** Every entry point that reads batch bytes, each allowed only to succeed or throw ProtocolError. */
function allReaders(bytes: Buffer): void {
  const what = 'record batch reader'
  decodeOrRefuse(bytes, (b) => readBatchHeader(b), what)
  decodeOrRefuse(bytes, (b) => validateBatch(b), what)
  decodeOrRefuse(bytes, (b) => verifyBatchCrc(b), what)
  decodeOrRefuse(bytes, (b) => forEachBatch(b, () => {}), what)
  decodeOrRefuse(bytes, (b) => decodeRecordBatch(b, 0, { verifyCrc: false }), what)
}

/** Runs `decode`; refuses anything but success or a ProtocolError, and returns the error if any. */
function errorOf(bytes: Buffer, decode: (b: Buffer) => unknown): ProtocolError | undefined {
  try {
    decode(bytes)
    return undefined
  } catch (error) {
    if (error instanceof ProtocolError) return error
    throw crashError(bytes, error, 'decodeRecordBatch')
  }
}

describe('record batches: random bytes', () => {
  it('random bytes throw only ProtocolError from every batch reader', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
        const bytes = Buffer.from(input)
        decodeOrRefuse(bytes, (b) => decodeRecordBatch(b), 'decodeRecordBatch')
        allReaders(bytes)
      }),
      { numRuns: 300 },
    )
  })

  it('random records behind a sealed header with any compression bits decode or throw ProtocolError, never a CRC error', () => {
    const header = encodeRecordBatch([], { now })
    const tally = new OutcomeTally()
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.oneof(fc.integer({ min: -2, max: 12 }), fc.constantFrom(0x7fffffff, -(2 ** 31))),
        (body, attributes, count) => {
          const batch = Buffer.concat([header, body])
          batch.writeUInt16BE(attributes, BatchLayout.ATTRIBUTES)
          batch.writeInt32BE(count, BatchLayout.RECORD_COUNT)
          reseal(batch)
          const error = errorOf(batch, (b) => decodeRecordBatch(b))
          expect(error).not.toBeInstanceOf(CorruptRecordError)
          tally.add(error === undefined ? 'decoded' : 'refused')
          allReaders(batch)
        },
      ),
      { numRuns: 500 },
    )
    expect(tally.refused).toBeGreaterThan(0)
  })
})

describe.each(CODECS.map((c) => [CompressionType[c], c] as const))(
  'record batches compressed with %s',
  (_name, compression) => {
    it('mutated batches decode or throw ProtocolError', () => {
      const tally = new OutcomeTally()
      fc.assert(
        fc.property(mutatedArbitrary(batchArbitrary(compression)), ({ bytes }) => {
          tally.add(decodeOrRefuse(bytes, (b) => decodeRecordBatch(b), 'decodeRecordBatch'))
          allReaders(bytes)
        }),
        { numRuns: 150 },
      )
      expect(tally.refused).toBeGreaterThan(0)
    })

    it('mutated then resealed batches decode or throw ProtocolError, never a CRC error', () => {
      const tally = new OutcomeTally()
      fc.assert(
        fc.property(
          fc
            .boolean()
            .chain((payloadOnly) =>
              mutatedArbitrary(batchArbitrary(compression), payloadOnly ? BATCH_HEADER_BYTES : 0),
            ),
          ({ bytes }) => {
            const sealed = reseal(Buffer.from(bytes))
            const error = errorOf(sealed, (b) => decodeRecordBatch(b))
            expect(error).not.toBeInstanceOf(CorruptRecordError)
            tally.add(error === undefined ? 'decoded' : 'refused')
            allReaders(sealed)
          },
        ),
        { numRuns: 200 },
      )
      // damage past the checksum is still caught (by the decompressor or the record reader)
      expect(tally.refused).toBeGreaterThan(0)
    })

    it('mutated then resealed batches decode or throw ProtocolError through the async decoder', async () => {
      await fc.assert(
        fc.asyncProperty(
          mutatedArbitrary(batchArbitrary(compression), BATCH_HEADER_BYTES),
          async ({ bytes }) => {
            const sealed = reseal(Buffer.from(bytes))
            await decodeOrRefuseAsync(sealed, (b) => decodeRecordBatchAsync(b), 'decodeRecordBatchAsync')
          },
        ),
        { numRuns: 60 },
      )
    })

    it('a flipped byte under the CRC, or in the CRC, gives CorruptRecordError; outside it never does', async () => {
      await fc.assert(
        fc.asyncProperty(
          batchArbitrary(compression),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          async (batch, at, mask) => {
            const covered = Buffer.from(batch)
            const position = BatchLayout.CRC + (at % (covered.length - BatchLayout.CRC))
            covered[position] ^= mask
            for (const check of [
              () => decodeRecordBatch(covered),
              () => validateBatch(covered),
              () => verifyBatchCrc(covered),
            ]) {
              expect(check).toThrow(CorruptRecordError)
            }
            await expect(decodeRecordBatchAsync(covered)).rejects.toBeInstanceOf(CorruptRecordError)
            const error = errorOf(covered, (b) => decodeRecordBatch(b)) as CorruptRecordError
            expect(error.expectedCrc).toBe(covered.readUInt32BE(BatchLayout.CRC))
            expect(error.actualCrc).not.toBe(error.expectedCrc)

            // baseOffset and partitionLeaderEpoch sit outside the CRC: the broker rewrites them
            const outside = Buffer.from(batch)
            const unchecked = [...Array(BatchLayout.BATCH_LENGTH).keys(), 12, 13, 14, 15]
            outside[unchecked[at % unchecked.length]] ^= mask
            expect(errorOf(outside, (b) => decodeRecordBatch(b))).not.toBeInstanceOf(CorruptRecordError)
          },
        ),
        { numRuns: 60 },
      )
    })

    it('unknown compression types 5, 6 and 7 are refused with ProtocolError once the CRC matches', async () => {
      const batch = encodeRecordBatch([{ key: null, value: Buffer.from('payload'), timestamp: NOW }], {
        compression,
        now,
      })
      for (const type of [5, 6, 7]) {
        const patched = Buffer.from(batch)
        patched.writeUInt16BE(
          (patched.readUInt16BE(BatchLayout.ATTRIBUTES) & ~0x07) | type,
          BatchLayout.ATTRIBUTES,
        )
        // before resealing the CRC no longer matches, and corruption is what gets reported
        expect(() => decodeRecordBatch(patched)).toThrow(CorruptRecordError)
        reseal(patched)
        for (const decode of [() => decodeRecordBatch(patched), () => validateBatch(patched)]) {
          const error = errorOf(patched, decode)
          expect(error).toBeInstanceOf(ProtocolError)
          expect(error).not.toBeInstanceOf(CorruptRecordError)
          expect(error?.message).toMatch(/unknown compression type/)
        }
        await expect(decodeRecordBatchAsync(patched)).rejects.toThrow(/unknown compression type/)
      }
    })
  },
)

/** A batch holding `payload` as its records section, with the given compression bits and record count. */
function batchAround(payload: Buffer, compression: CompressionType, recordCount: number): Buffer {
  const batch = Buffer.concat([encodeRecordBatch([], { now }), payload])
  batch.writeUInt16BE(compression, BatchLayout.ATTRIBUTES)
  batch.writeInt32BE(recordCount, BatchLayout.RECORD_COUNT)
  return reseal(batch)
}

/** snappy-java framing around the same raw block repeated `copies` times. */
function xerialFrame(block: Buffer, copies: number): Buffer {
  const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])
  const length = Buffer.alloc(4)
  length.writeInt32BE(block.length)
  return Buffer.concat([header, ...new Array(copies).fill(Buffer.concat([length, block]))])
}

const ONE_MIB_OF_ZEROS = Buffer.alloc(MiB)

/**
 * Small inputs that expand far beyond the limit: 1 MiB of zeros compressed
 * once and repeated as concatenated gzip members, zstd frames, lz4 frames or
 * snappy-java blocks, all of which the codecs accept.
 */
const BOMBS: readonly [string, CompressionType, () => Buffer, number][] = [
  [
    'gzip members',
    CompressionType.Gzip,
    () => Buffer.concat(new Array(256).fill(gzipSync(ONE_MIB_OF_ZEROS))),
    256,
  ],
  [
    'zstd frames with content size',
    CompressionType.Zstd,
    () => Buffer.concat(new Array(256).fill(zstdCompress(ONE_MIB_OF_ZEROS))),
    256,
  ],
  [
    'zstd frames without content size',
    CompressionType.Zstd,
    () => Buffer.concat(new Array(256).fill(zstdCompress(ONE_MIB_OF_ZEROS, { contentSizeFlag: false }))),
    256,
  ],
  [
    'lz4 frames',
    CompressionType.Lz4,
    () => Buffer.concat(new Array(256).fill(compressFrameSync(ONE_MIB_OF_ZEROS))),
    256,
  ],
  ['snappy-java blocks', CompressionType.Snappy, () => xerialFrame(snappyBlock(ONE_MIB_OF_ZEROS), 128), 128],
]

describe('decompression bombs', () => {
  const LIMIT = 4 * MiB

  it.each(BOMBS)(
    '%s expanding to many MiB are refused under a 4 MiB limit without allocating the expansion',
    async (_name, compression, build, expandedMiB) => {
      const bomb = batchAround(build(), compression, 1)
      // tiny next to what it expands to
      expect(bomb.length).toBeLessThan((expandedMiB * MiB) / 20)
      const before = process.memoryUsage().arrayBuffers
      const error = errorOf(bomb, (b) => decodeRecordBatch(b, 0, { maxDecompressedBytes: LIMIT }))
      // measured before any chance to collect, so whatever the codec allocated is still counted
      const grown = process.memoryUsage().arrayBuffers - before
      expect(error).toBeInstanceOf(ProtocolError)
      expect(error?.message).toMatch(/limit/)
      expect(grown).toBeLessThan(64 * MiB)
      await expect(decodeRecordBatchAsync(bomb, 0, { maxDecompressedBytes: LIMIT })).rejects.toThrow(/limit/)
    },
  )

  it('a gzip of 72 MiB of zeros (about 70 KiB) is refused under the default 64 MiB limit', async () => {
    expect(DEFAULT_MAX_DECOMPRESSED_BYTES).toBe(64 * MiB)
    const compressed = gzipSync(Buffer.alloc(72 * MiB))
    expect(compressed.length).toBeLessThan(100 * 1024)
    const bomb = batchAround(compressed, CompressionType.Gzip, 1)
    const error = errorOf(bomb, (b) => decodeRecordBatch(b))
    expect(error).toBeInstanceOf(ProtocolError)
    expect(error?.message).toMatch(/limit/)
    await expect(decodeRecordBatchAsync(bomb)).rejects.toThrow(/limit/)
  })

  it('a record count no allowed output could hold is refused before decompressing', () => {
    const compressed = gzipSync(Buffer.alloc(64))
    for (const count of [0x7fffffff, Math.ceil(LIMIT / 7) + 1]) {
      const error = errorOf(batchAround(compressed, CompressionType.Gzip, count), (b) =>
        decodeRecordBatch(b, 0, { maxDecompressedBytes: LIMIT }),
      )
      expect(error).toBeInstanceOf(ProtocolError)
      expect(error?.message).toMatch(/cannot fit/)
    }
    const negative = errorOf(batchAround(compressed, CompressionType.Gzip, -5), (b) => decodeRecordBatch(b))
    expect(negative?.message).toMatch(/negative record count/)
  })
})
