import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { compressFrameSync } from 'lz4-napi'
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
