import { compressFrame, compressFrameSync, decompressFrame, decompressFrameSync } from 'lz4-napi'
import { ProtocolError } from '../../protocol-error.js'
import { type CompressionCodec, corrupt, tooLarge } from './codec.js'

const FRAME_MAGIC = 0x184d2204
// 0x184D2A50..0x184D2A5F: frames of opaque bytes a decoder must skip
const SKIPPABLE_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50

const FLG_VERSION_MASK = 0xc0
const FLG_VERSION_01 = 0x40
const FLG_BLOCK_CHECKSUM = 0x10
const FLG_CONTENT_SIZE = 0x08
const FLG_CONTENT_CHECKSUM = 0x04
const FLG_DICT_ID = 0x01
const BLOCK_UNCOMPRESSED_BIT = 0x80000000

/** Block maximum sizes selected by bits 4-6 of the BD byte (codes 4..7). */
const BLOCK_MAX_BYTES = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024]

/** What the structure of LZ4 frames says about their decompressed size. */
export interface Lz4OutputBound {
  /** No output can be longer than this. */
  bound: number
  /** The largest maximum block size among the frames (the slack in `bound`). */
  blockMax: number
}

/**
 * Upper bound on what an LZ4 frame (or several in a row) can decompress to,
 * from its structure alone: a block never expands beyond the maximum block size
 * its frame declares, and a stored (uncompressed) block is exactly its length.
 *
 * Hand-written because lz4-napi has no output limit: walking the block headers
 * (no decompression) lets the bound be enforced before anything is allocated.
 * Malformed framing is reported here too, with a precise message.
 */
export function lz4FrameOutputBound(data: Uint8Array): Lz4OutputBound {
  if (data.length === 0) throw new ProtocolError('empty lz4 input')
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  let at = 0
  let bound = 0
  let largestBlockMax = 0
  const need = (n: number, what: string) => {
    if (n > view.length - at) throw new ProtocolError(`truncated lz4 ${what}`)
  }
  while (at < view.length) {
    need(4, 'frame magic')
    const magic = view.readUInt32LE(at)
    at += 4
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(4, 'skippable frame length')
      const size = view.readUInt32LE(at)
      at += 4
      need(size, 'skippable frame')
      at += size
      continue
    }
    if (magic !== FRAME_MAGIC) throw new ProtocolError(`not an lz4 frame (magic 0x${magic.toString(16)})`)
    need(2, 'frame descriptor')
    const flg = view[at]
    const bd = view[at + 1]
    at += 2
    if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01) throw new ProtocolError('unsupported lz4 frame version')
    const blockMax = BLOCK_MAX_BYTES[(bd >> 4) & 0x07]
    if (blockMax === 0) throw new ProtocolError(`invalid lz4 block size code in 0x${bd.toString(16)}`)
    largestBlockMax = Math.max(largestBlockMax, blockMax)
    if (flg & FLG_CONTENT_SIZE) {
      need(8, 'content size')
      at += 8
    }
    if (flg & FLG_DICT_ID) {
      need(4, 'dictionary id')
      at += 4
    }
    need(1, 'header checksum')
    at += 1
    const blockChecksum = flg & FLG_BLOCK_CHECKSUM ? 4 : 0
    for (;;) {
      need(4, 'block size')
      const word = view.readUInt32LE(at)
      at += 4
      if (word === 0) break
      const size = (word & ~BLOCK_UNCOMPRESSED_BIT) >>> 0
      if (size > blockMax)
        throw new ProtocolError(`lz4 block of ${size} bytes exceeds its frame's ${blockMax}`)
      need(size + blockChecksum, 'block')
      at += size + blockChecksum
      bound += word & BLOCK_UNCOMPRESSED_BIT ? size : blockMax
    }
    if (flg & FLG_CONTENT_CHECKSUM) {
      need(4, 'content checksum')
      at += 4
    }
  }
  return { bound, blockMax: largestBlockMax }
}

/**
 * Refuses frames that could only decompress past the limit. Blocks fill to the
 * maximum except the last, so the structural bound overshoots the real size by
 * up to one block, and lz4-napi picks blocks as large as 4 MiB even for small
 * input. To keep batches just under the limit readable, one block of slack is
 * allowed here and the exact size is checked after decompression: at most
 * `maxBytes` plus one block (4 MiB at most) is ever allocated.
 */
function checkBound(data: Buffer, maxBytes: number): void {
  const { bound, blockMax } = lz4FrameOutputBound(data)
  if (bound > maxBytes + blockMax) throw tooLarge('lz4', `up to ${bound}`, maxBytes)
}

function checkOutput(out: Buffer, maxBytes: number): Buffer {
  if (out.length > maxBytes) throw tooLarge('lz4', out.length, maxBytes)
  return out
}

/**
 * LZ4 in the standard frame format, which Kafka uses for magic 2 batches (the
 * old message formats used a variant with a miscomputed header checksum; those
 * formats are gone from Kafka 4).
 */
export const lz4Codec: CompressionCodec = {
  name: 'lz4',
  compress: (data) => compressFrameSync(data),
  compressAsync: (data) => compressFrame(data),
  decompress(data, maxBytes) {
    try {
      checkBound(data, maxBytes)
      return checkOutput(decompressFrameSync(data), maxBytes)
    } catch (error) {
      throw corrupt('lz4', error)
    }
  },
  async decompressAsync(data, maxBytes) {
    try {
      checkBound(data, maxBytes)
      return checkOutput(await decompressFrame(data), maxBytes)
    } catch (error) {
      throw corrupt('lz4', error)
    }
  },
}
