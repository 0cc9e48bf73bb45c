import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { compressFrameSync, decompressFrameSync, compressSync as lz4Block } from 'lz4-napi'
import { compressSync as snappyRaw } from 'snappy'
import { describe, expect, it } from 'vitest'
import { compress as zstdCompress } from 'zstd-napi'
import { ProtocolError } from '../../../src/protocol/protocol-error.js'
import {
  type CompressionCodec,
  CompressionType,
  compressionCodec,
  isXerialFramed,
  lz4FrameOutputBound,
  snappyCodec,
  XERIAL_BLOCK_BYTES,
} from '../../../src/protocol/records/compression/index.js'
import { xxh32Short } from '../../../src/protocol/records/compression/xxh32.js'

const LIMIT = 64 * 1024 * 1024
const codecs: [string, CompressionCodec][] = [
  ['gzip', compressionCodec(CompressionType.Gzip)],
  ['snappy', compressionCodec(CompressionType.Snappy)],
  ['lz4', compressionCodec(CompressionType.Lz4)],
  ['zstd', compressionCodec(CompressionType.Zstd)],
]

const lz4Decompress = (data: Buffer, max: number) =>
  compressionCodec(CompressionType.Lz4).decompress(data, max)

/** Builds snappy-java's framing by hand, independently of the codec under test. */
function javaSnappyFrame(blocks: Buffer[]): Buffer {
  const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])
  const parts: Buffer[] = [header]
  for (const block of blocks) {
    const compressed = snappyRaw(block)
    const length = Buffer.alloc(4)
    length.writeInt32BE(compressed.length)
    parts.push(length, compressed)
  }
  return Buffer.concat(parts)
}

describe('compression type lookup', () => {
  it('knows types 0-4 and refuses 5-7 and anything else with a ProtocolError', () => {
    expect(compressionCodec(CompressionType.None).name).toBe('none')
    expect(codecs.map(([, c]) => c.name)).toEqual(['gzip', 'snappy', 'lz4', 'zstd'])
    for (const type of [5, 6, 7, -1, 8, 1.5]) {
      expect(() => compressionCodec(type)).toThrow(ProtocolError)
    }
  })
})

describe.each(codecs)('%s codec', (_name, codec) => {
  it('round-trips random data, sync and async, and both paths agree', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 100_000 }), async (input) => {
        const data = Buffer.from(input)
        const packed = codec.compress(data)
        expect(codec.decompress(packed, LIMIT)).toEqual(data)
        expect(await codec.decompressAsync(packed, LIMIT)).toEqual(data)
        expect(codec.decompress(await codec.compressAsync(data), LIMIT)).toEqual(data)
      }),
      { numRuns: 25 },
    )
  })

  it('round-trips large compressible data spanning many blocks', () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 17)
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 61
    // Buffer.equals: vitest's element-wise deep equality is very slow on megabytes
    expect(codec.decompress(codec.compress(data), LIMIT).equals(data)).toBe(true)
  })

  it('refuses output beyond the limit, sync and async', async () => {
    const bomb = codec.compress(Buffer.alloc(4 * 1024 * 1024))
    expect(bomb.length).toBeLessThan(300 * 1024)
    expect(() => codec.decompress(bomb, 1024 * 1024)).toThrow(/limit/)
    await expect(codec.decompressAsync(bomb, 1024 * 1024)).rejects.toThrow(ProtocolError)
    // the exact size is allowed
    expect(codec.decompress(bomb, 4 * 1024 * 1024)).toHaveLength(4 * 1024 * 1024)
  })

  it('turns garbage and truncation into ProtocolError', async () => {
    const packed = codec.compress(
      Buffer.from('some text that compresses, some text that compresses'.repeat(20)),
    )
    const broken = [Buffer.alloc(0), Buffer.from([1, 2, 3]), packed.subarray(0, packed.length - 3)]
    for (const input of broken) {
      expect(() => codec.decompress(input, LIMIT)).toThrow(ProtocolError)
      await expect(codec.decompressAsync(input, LIMIT)).rejects.toThrow(ProtocolError)
    }
  })

  it('never throws anything but ProtocolError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
        try {
          codec.decompress(Buffer.from(input), LIMIT)
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError)
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('snappy framing of the Java client', () => {
  it('writes the snappy-java header and 32 KiB blocks', () => {
    const data = Buffer.alloc(XERIAL_BLOCK_BYTES * 2 + 5, 9)
    const packed = snappyCodec.compress(data)
    expect(isXerialFramed(packed)).toBe(true)
    expect(packed.subarray(0, 16)).toEqual(
      Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]),
    )
    // exactly three blocks: walk their lengths
    let at = 16
    let blocks = 0
    while (at < packed.length) {
      at += 4 + packed.readInt32BE(at)
      blocks++
    }
    expect(at).toBe(packed.length)
    expect(blocks).toBe(3)
  })

  it('reads a hand-built Java frame with several blocks, sync and async', async () => {
    const a = Buffer.from('first block '.repeat(100))
    const b = Buffer.from('second, different block '.repeat(50))
    const framed = javaSnappyFrame([a, b])
    const expected = Buffer.concat([a, b])
    expect(snappyCodec.decompress(framed, LIMIT)).toEqual(expected)
    expect(await snappyCodec.decompressAsync(framed, LIMIT)).toEqual(expected)
  })

  it('reads a frame with no blocks as empty', () => {
    expect(snappyCodec.decompress(javaSnappyFrame([]), LIMIT)).toHaveLength(0)
  })

  it('accepts a plain raw snappy block', async () => {
    const data = Buffer.from('written by a client that skips the framing '.repeat(30))
    const raw = snappyRaw(data)
    expect(isXerialFramed(raw)).toBe(false)
    expect(snappyCodec.decompress(raw, LIMIT)).toEqual(data)
    expect(await snappyCodec.decompressAsync(raw, LIMIT)).toEqual(data)
  })

  it('refuses a framed block whose length runs past the end', () => {
    const framed = javaSnappyFrame([Buffer.from('hello hello hello')])
    framed.writeInt32BE(1000, 16)
    expect(() => snappyCodec.decompress(framed, LIMIT)).toThrow(ProtocolError)
    framed.writeInt32BE(-5, 16)
    expect(() => snappyCodec.decompress(framed, LIMIT)).toThrow(ProtocolError)
  })

  it('checks the declared size of every block against the limit before inflating', () => {
    const framed = javaSnappyFrame([Buffer.alloc(600_000), Buffer.alloc(600_000)])
    expect(() => snappyCodec.decompress(framed, 1_000_000)).toThrow(/1200000 bytes/)
  })
})

describe('lz4 frame bound', () => {
  it('lets a batch just under the limit through and refuses one just over', () => {
    const data = Buffer.alloc(1_000_000, 5)
    const frame = compressFrameSync(data)
    const lz4 = compressionCodec(CompressionType.Lz4)
    expect(lz4.decompress(frame, 1_000_000)).toHaveLength(1_000_000)
    expect(() => lz4.decompress(frame, 999_999)).toThrow(/limit/)
  })

  it('refuses from the frame structure alone (message says "up to") when even the slack cannot cover it', () => {
    const frame = compressFrameSync(Buffer.alloc(20 * 1024 * 1024))
    const { bound, blockMax } = lz4FrameOutputBound(frame)
    expect(() => lz4Decompress(frame, bound - blockMax - 1)).toThrow(/up to/)
  })

  it('is at least the real size and at most one block above it', () => {
    for (const size of [1, 1000, 65_536, 300_000, 1_000_000]) {
      const frame = compressFrameSync(Buffer.alloc(size, 3))
      const { bound, blockMax } = lz4FrameOutputBound(frame)
      expect(bound).toBeGreaterThanOrEqual(size)
      expect(bound - size).toBeLessThan(blockMax)
      expect([64, 256, 1024, 4096].map((k) => k * 1024)).toContain(blockMax)
    }
  })

  it('rejects bad magic, a bad version and blocks larger than the frame allows', () => {
    const frame = compressFrameSync(Buffer.alloc(1000, 1))
    const badMagic = Buffer.from(frame)
    badMagic[0] ^= 1
    expect(() => lz4FrameOutputBound(badMagic)).toThrow(/not an lz4 frame/)
    const badVersion = Buffer.from(frame)
    badVersion[4] = 0x00
    expect(() => lz4FrameOutputBound(badVersion)).toThrow(/version/)
    // header 7 bytes (no content size, no dict id), then the first block size
    const hugeBlock = Buffer.from(frame)
    hugeBlock.writeUInt32LE(5 * 1024 * 1024, 7)
    expect(() => lz4FrameOutputBound(hugeBlock)).toThrow(/exceeds/)
  })

  it('skips skippable frames', () => {
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3])
    const frame = compressFrameSync(Buffer.alloc(10, 1))
    expect(lz4FrameOutputBound(Buffer.concat([skippable, frame]))).toEqual(lz4FrameOutputBound(frame))
  })
})

/** One data block of a hand-built lz4 frame: stored as is, or LZ4-compressed. */
interface BlockSpec {
  data: Buffer
  stored?: boolean
}

/** Block size codes 4-7 of the BD byte: 64 KiB, 256 KiB, 1 MiB, 4 MiB. */
type BlockSizeCode = 4 | 5 | 6 | 7

/**
 * Builds an lz4 frame by hand from raw blocks (lz4-napi's block compressor
 * with its 4-byte size prefix cut off), so tests can set the flags, block
 * size, content size and block kinds lz4-napi's own frame writer never uses.
 * lz4-napi's frame decoder reads these frames too and serves as the oracle.
 */
function lz4Frame(
  blocks: BlockSpec[],
  options: { sizeCode?: BlockSizeCode; contentSize?: number; independent?: boolean } = {},
): Buffer {
  const { sizeCode = 4, contentSize, independent = true } = options
  const descriptor = [0x40 | (independent ? 0x20 : 0) | (contentSize !== undefined ? 0x08 : 0), sizeCode << 4]
  if (contentSize !== undefined) {
    const size = Buffer.alloc(8)
    size.writeBigUInt64LE(BigInt(contentSize))
    descriptor.push(...size)
  }
  const descriptorBytes = Buffer.from(descriptor)
  const checksum = (xxh32Short(descriptorBytes, 0, descriptorBytes.length) >>> 8) & 0xff
  const parts: Buffer[] = [Buffer.from([0x04, 0x22, 0x4d, 0x18]), descriptorBytes, Buffer.from([checksum])]
  for (const block of blocks) {
    const body = block.stored ? block.data : lz4Block(block.data).subarray(4)
    const word = Buffer.alloc(4)
    word.writeUInt32LE((body.length | (block.stored ? 0x80000000 : 0)) >>> 0)
    parts.push(word, body)
  }
  parts.push(Buffer.alloc(4)) // end mark
  return Buffer.concat(parts)
}

/** Compressible, not constant: a different byte pattern per seed. */
function pattern(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i++) out[i] = (i * seed + (i >> 7)) % 251
  return out
}

describe('lz4 frames decoded block by block', () => {
  const lz4 = compressionCodec(CompressionType.Lz4)
  const both = async (frame: Buffer, max = LIMIT) => {
    const sync = lz4.decompress(frame, max)
    expect((await lz4.decompressAsync(frame, max)).equals(sync)).toBe(true)
    return sync
  }

  it('computes xxHash32 of short inputs (reference values of the algorithm)', () => {
    expect(xxh32Short(Buffer.alloc(0), 0, 0)).toBe(0x02cc5d05)
    expect(xxh32Short(Buffer.from('a'), 0, 1)).toBe(0x550d7456)
    expect(xxh32Short(Buffer.from('abc'), 0, 3)).toBe(0x32d153ff)
    expect(xxh32Short(Buffer.from('xxabcx'), 2, 5)).toBe(0x32d153ff)
    expect(() => xxh32Short(Buffer.alloc(16), 0, 16)).toThrow(RangeError)
  })

  it('reads many compressed and stored blocks, as the frame decoder does', async () => {
    const specs: BlockSpec[] = [
      { data: pattern(65_536, 3) },
      { data: pattern(65_536, 5), stored: true },
      { data: pattern(65_536, 7) },
      { data: pattern(1_000, 11) },
    ]
    const frame = lz4Frame(specs)
    const expected = Buffer.concat(specs.map((b) => b.data))
    expect(decompressFrameSync(frame).equals(expected)).toBe(true)
    expect((await both(frame)).equals(expected)).toBe(true)
  })

  it('reads a frame of one stored block, and one with no blocks', async () => {
    const data = pattern(5_000, 13)
    expect((await both(lz4Frame([{ data, stored: true }]))).equals(data)).toBe(true)
    expect(await both(lz4Frame([]))).toHaveLength(0)
  })

  it('reads several frames in a row around a skippable frame', async () => {
    const a = pattern(70_000, 17)
    const b = pattern(3_000, 19)
    const skippable = Buffer.from([0x5f, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 9, 9])
    const input = Buffer.concat([
      lz4Frame([{ data: a.subarray(0, 65_536) }, { data: a.subarray(65_536) }]),
      skippable,
      lz4Frame([{ data: b }], { sizeCode: 5 }),
    ])
    expect((await both(input)).equals(Buffer.concat([a, b]))).toBe(true)
  })

  it('checks a declared content size', async () => {
    const data = pattern(10_000, 23)
    const frame = lz4Frame([{ data }], { contentSize: 10_000 })
    // lz4-napi checks the header checksum too: over this 10-byte descriptor it
    // takes xxHash32's 4-byte lanes, which the reference values above do not
    expect(decompressFrameSync(frame).equals(data)).toBe(true)
    expect((await both(frame)).equals(data)).toBe(true)
    for (const wrong of [9_999, 10_001, 0]) {
      const frame = lz4Frame([{ data }], { contentSize: wrong })
      expect(() => decompressFrameSync(frame)).toThrow()
      expect(() => lz4.decompress(frame, LIMIT)).toThrow(/declares/)
      await expect(lz4.decompressAsync(frame, LIMIT)).rejects.toThrow(ProtocolError)
    }
  })

  it('refuses a block that decodes to more than its frame allows', async () => {
    // 100 KB compresses into far less than 64 KiB, but may not expand beyond it
    const frame = lz4Frame([{ data: pattern(100_000, 29) }], { sizeCode: 4 })
    expect(() => decompressFrameSync(frame)).toThrow()
    expect(() => lz4.decompress(frame, LIMIT)).toThrow(ProtocolError)
    await expect(lz4.decompressAsync(frame, LIMIT)).rejects.toThrow(ProtocolError)
  })

  it('refuses a damaged descriptor: header checksum, reserved bits', () => {
    const frame = lz4Frame([{ data: pattern(1_000, 31) }])
    const badChecksum = Buffer.from(frame)
    badChecksum[6] ^= 0x01
    expect(() => lz4.decompress(badChecksum, LIMIT)).toThrow(/checksum/)
    const reservedFlg = Buffer.from(frame)
    reservedFlg[4] |= 0x02
    expect(() => lz4.decompress(reservedFlg, LIMIT)).toThrow(/reserved/)
    const reservedBd = Buffer.from(frame)
    reservedBd[5] |= 0x01
    expect(() => lz4.decompress(reservedBd, LIMIT)).toThrow(/reserved/)
  })

  it('hands frames with checksums or linked blocks to the frame decoder, which reads them', async () => {
    const data = pattern(300_000, 37)
    const frames = [
      compressFrameSync(data, { contentChecksum: true }),
      compressFrameSync(data, { blockChecksums: true }),
      compressFrameSync(data, { contentChecksum: true, blockChecksums: true }),
      // linked mode allows references into the previous block; these blocks make none
      lz4Frame([{ data: data.subarray(0, 65_536) }, { data: data.subarray(65_536, 131_072) }], {
        independent: false,
      }),
    ]
    expect((await both(frames[0])).equals(data)).toBe(true)
    expect((await both(frames[1])).equals(data)).toBe(true)
    expect((await both(frames[2])).equals(data)).toBe(true)
    expect((await both(frames[3])).equals(data.subarray(0, 131_072))).toBe(true)
    // a content checksum that does not match is caught there
    const damaged = Buffer.from(frames[0])
    damaged[damaged.length - 1] ^= 0xff
    expect(() => lz4.decompress(damaged, LIMIT)).toThrow(ProtocolError)
  })

  it('applies the limit to the sum of the blocks', async () => {
    const specs = [0, 1, 2, 3].map((i) => ({ data: pattern(65_536, 41 + i) }))
    const frame = lz4Frame(specs)
    expect(await both(frame, 4 * 65_536)).toHaveLength(4 * 65_536)
    expect(() => lz4.decompress(frame, 4 * 65_536 - 1)).toThrow(/limit/)
    await expect(lz4.decompressAsync(frame, 4 * 65_536 - 1)).rejects.toThrow(/limit/)
  })
})

describe('output of other writers', () => {
  it('reads gzip, lz4 and zstd produced by the libraries directly', () => {
    const data = Buffer.from('bytes from elsewhere '.repeat(40))
    expect(compressionCodec(CompressionType.Gzip).decompress(gzipSync(data), LIMIT)).toEqual(data)
    expect(compressionCodec(CompressionType.Lz4).decompress(compressFrameSync(data), LIMIT)).toEqual(data)
    expect(compressionCodec(CompressionType.Zstd).decompress(zstdCompress(data), LIMIT)).toEqual(data)
  })

  it('reads zstd frames that leave out the content size (as streaming writers do)', () => {
    const data = Buffer.alloc(500_000)
    for (let i = 0; i < data.length; i++) data[i] = i % 97
    const frame = zstdCompress(data, { contentSizeFlag: false })
    const zstd = compressionCodec(CompressionType.Zstd)
    expect(zstd.decompress(frame, LIMIT).equals(data)).toBe(true)
    expect(() => zstd.decompress(frame, 400_000)).toThrow(/limit/)
    // far below the size, the window the frame asks for is refused first
    expect(() => zstd.decompress(frame, 10_000)).toThrow(ProtocolError)
    expect(() => zstd.decompress(frame.subarray(0, frame.length - 4), LIMIT)).toThrow(ProtocolError)
  })
})
