import {
  compressFrame,
  compressFrameSync,
  decompressFrame,
  decompressFrameSync,
  uncompress,
  uncompressSync,
} from 'lz4-napi'
import { ProtocolError } from '../../protocol-error.js'
import { type CompressionCodec, corrupt, tooLarge } from './codec.js'
import { xxh32Short } from './xxh32.js'

const FRAME_MAGIC = 0x184d2204
// 0x184D2A50..0x184D2A5F: frames of opaque bytes a decoder must skip
const SKIPPABLE_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50

const FLG_VERSION_MASK = 0xc0
const FLG_VERSION_01 = 0x40
const FLG_BLOCK_INDEPENDENCE = 0x20
const FLG_BLOCK_CHECKSUM = 0x10
const FLG_CONTENT_SIZE = 0x08
const FLG_CONTENT_CHECKSUM = 0x04
const FLG_DICT_ID = 0x01
const FLG_RESERVED = 0x02
/** Only bits 4-6 of BD (the block size code) are defined. */
const BD_RESERVED = 0x8f
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

/** One data block of a frame: where its bytes are in the input. */
interface Lz4Block {
  start: number
  size: number
  /** Stored as is (the frame's "uncompressed" bit), not LZ4-compressed. */
  stored: boolean
}

/** One frame's data blocks and what its descriptor declares about them. */
interface Lz4Frame {
  blockMax: number
  /** -1 when the descriptor leaves it out. */
  contentSize: number
  blocks: Lz4Block[]
}

/**
 * The layout of a run of LZ4 frames. `frames` is null when some frame needs
 * the library's frame decoder rather than the block-by-block path below.
 */
interface Lz4Layout extends Lz4OutputBound {
  frames: Lz4Frame[] | null
}

/**
 * Walks LZ4 frames (several in a row are allowed, skippable frames are
 * skipped) without decompressing anything. Every length is checked against
 * the input, and the output is bounded from the structure alone: a block never
 * expands beyond the maximum block size its frame declares, and a stored block
 * is exactly its length. Malformed framing is reported here with a precise
 * message.
 */
function readLayout(data: Uint8Array): Lz4Layout {
  if (data.length === 0) throw new ProtocolError('empty lz4 input')
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  let at = 0
  let bound = 0
  let largestBlockMax = 0
  let frames: Lz4Frame[] | null = []
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
    const descriptorStart = at
    need(2, 'frame descriptor')
    const flg = view[at]
    const bd = view[at + 1]
    at += 2
    if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01) throw new ProtocolError('unsupported lz4 frame version')
    if (flg & FLG_RESERVED || bd & BD_RESERVED)
      throw new ProtocolError('lz4 frame descriptor has reserved bits set')
    const blockMax = BLOCK_MAX_BYTES[(bd >> 4) & 0x07]
    if (blockMax === 0) throw new ProtocolError(`invalid lz4 block size code in 0x${bd.toString(16)}`)
    largestBlockMax = Math.max(largestBlockMax, blockMax)
    let contentSize = -1
    if (flg & FLG_CONTENT_SIZE) {
      need(8, 'content size')
      // past 2^53 the number rounds, but no output here comes near: it fails the check either way
      contentSize = Number(view.readBigUInt64LE(at))
      at += 8
    }
    if (flg & FLG_DICT_ID) {
      need(4, 'dictionary id')
      at += 4
    }
    need(1, 'header checksum')
    // the descriptor's checksum byte is the second byte of its xxHash32
    const headerChecksum = (xxh32Short(view, descriptorStart, at) >>> 8) & 0xff
    if (view[at] !== headerChecksum) throw new ProtocolError('lz4 frame descriptor checksum mismatch')
    at += 1
    // Frames whose blocks stand alone (no references into the previous block,
    // no dictionary) and carry no checksums can be decoded block by block.
    const blockByBlock =
      (flg & (FLG_BLOCK_INDEPENDENCE | FLG_BLOCK_CHECKSUM | FLG_CONTENT_CHECKSUM | FLG_DICT_ID)) ===
      FLG_BLOCK_INDEPENDENCE
    const frame: Lz4Frame = { blockMax, contentSize, blocks: [] }
    if (!blockByBlock) frames = null
    frames?.push(frame)
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
      const stored = (word & BLOCK_UNCOMPRESSED_BIT) !== 0
      frame.blocks.push({ start: at, size, stored })
      at += size + blockChecksum
      bound += stored ? size : blockMax
    }
    if (flg & FLG_CONTENT_CHECKSUM) {
      need(4, 'content checksum')
      at += 4
    }
  }
  return { bound, blockMax: largestBlockMax, frames }
}

/**
 * Upper bound on what an LZ4 frame (or several in a row) can decompress to,
 * from its structure alone. Hand-written because lz4-napi has no output limit:
 * walking the block headers lets the bound be enforced before anything is
 * allocated.
 */
export function lz4FrameOutputBound(data: Uint8Array): Lz4OutputBound {
  const { bound, blockMax } = readLayout(data)
  return { bound, blockMax }
}

/**
 * Refuses frames that could only decompress past the limit. Blocks fill to the
 * maximum except the last, so the structural bound overshoots the real size by
 * up to one block, and lz4-napi picks blocks as large as 4 MiB even for small
 * input. To keep batches just under the limit readable, one block of slack is
 * allowed here and the exact size is checked after decompression: at most
 * `maxBytes` plus one block (4 MiB at most) is ever allocated.
 */
function checkedLayout(data: Buffer, maxBytes: number): Lz4Layout {
  const layout = readLayout(data)
  if (layout.bound > maxBytes + layout.blockMax) throw tooLarge('lz4', `up to ${layout.bound}`, maxBytes)
  return layout
}

function checkOutput(out: Buffer, maxBytes: number): Buffer {
  if (out.length > maxBytes) throw tooLarge('lz4', out.length, maxBytes)
  return out
}

/*
 * Why decode block by block: lz4-napi's frame decoder (lz4_flex's
 * FrameDecoder, read to the end) copies every block through an internal
 * buffer of the frame's maximum block size (4 MiB for lz4-napi's own frames of
 * a 1 MiB batch) into an output that grows by reallocation. On the 1.4 MB of
 * records of bench/protocol it took 0.7-2.9 ms depending on the allocator's
 * state, the block decoder a steady 0.7-0.8 ms. Kafka producers write frames
 * the block decoder can take: independent blocks without checksums (the Java
 * client, librdkafka and lz4-napi all do by default). Frames with linked
 * blocks, checksums or a dictionary still go through the frame decoder, which
 * checks those.
 */

/** Room for a sized block: `length` bytes to write into. */
type InputBuffer = (length: number) => Buffer

/**
 * A compressed block as lz4-napi's block functions take it: a 4-byte
 * little-endian output size, then the block. lz4_flex (under lz4-napi) treats
 * that size as a ceiling (an error if the block decodes to more) and returns
 * only what the block holds, so the frame's maximum block size fits every
 * block.
 */
function sizedBlock(data: Buffer, block: Lz4Block, blockMax: number, room: InputBuffer): Buffer {
  const input = room(4 + block.size)
  input.writeUInt32LE(blockMax, 0)
  data.copy(input, 4, block.start, block.start + block.size)
  return input
}

const SYNC_SCRATCH_BYTES = 1024 * 1024
let syncScratch: Buffer | undefined

/**
 * Sized blocks for the synchronous path are built in one reused buffer (the
 * library is done with its input when the call returns). A fresh buffer per
 * block is garbage the size of the compressed batch, outside the JS heap,
 * which pushes V8 towards extra collections: decoding a 1 MiB batch measured
 * ~10% faster with the reuse. Blocks that do not fit (above 1 MiB compressed,
 * rare) get their own buffer.
 */
const syncRoom: InputBuffer = (length) => {
  if (length > SYNC_SCRATCH_BYTES) return Buffer.allocUnsafe(length)
  syncScratch ??= Buffer.allocUnsafeSlow(SYNC_SCRATCH_BYTES)
  return syncScratch.subarray(0, length)
}

/** The async path decodes blocks concurrently on the thread pool: each needs its own input. */
const asyncRoom: InputBuffer = (length) => Buffer.allocUnsafe(length)

/** Every block in frame order: stored ones as views of `data`, compressed ones through `decode`. */
function decodeBlocks<T>(
  data: Buffer,
  frames: readonly Lz4Frame[],
  decode: (sized: Buffer) => T,
  room: InputBuffer,
): (Buffer | T)[] {
  const outputs: (Buffer | T)[] = []
  for (const frame of frames) {
    for (const block of frame.blocks) {
      outputs.push(
        block.stored
          ? data.subarray(block.start, block.start + block.size)
          : decode(sizedBlock(data, block, frame.blockMax, room)),
      )
    }
  }
  return outputs
}

/**
 * Joins the decoded blocks (`outputs`, one per block in frame order), checking
 * the content sizes frames declare and the limit.
 */
function joinBlocks(frames: readonly Lz4Frame[], outputs: readonly Buffer[], maxBytes: number): Buffer {
  let total = 0
  let next = 0
  for (const frame of frames) {
    let frameBytes = 0
    for (let i = 0; i < frame.blocks.length; i++) frameBytes += outputs[next++].length
    if (frame.contentSize >= 0 && frame.contentSize !== frameBytes) {
      throw new ProtocolError(`lz4 frame declares ${frame.contentSize} bytes but holds ${frameBytes}`)
    }
    total += frameBytes
  }
  if (total > maxBytes) throw tooLarge('lz4', total, maxBytes)
  // a batch is nearly always one frame of one block: its output is the result, no copy
  return outputs.length === 1 ? outputs[0] : Buffer.concat(outputs, total)
}

/**
 * LZ4 in the standard frame format, which Kafka uses for magic 2 batches (the
 * old message formats used a variant with a miscomputed header checksum; those
 * formats are gone from Kafka 4).
 */
export const lz4Codec: CompressionCodec = {
  name: 'lz4',
  // the binding has one speed; Kafka's compression.lz4.level has no equivalent here
  levels: null,
  compress: (data) => compressFrameSync(data),
  compressAsync: (data) => compressFrame(data),
  decompress(data, maxBytes) {
    try {
      const { frames } = checkedLayout(data, maxBytes)
      if (frames === null) return checkOutput(decompressFrameSync(data), maxBytes)
      return joinBlocks(frames, decodeBlocks(data, frames, uncompressSync, syncRoom), maxBytes)
    } catch (error) {
      throw corrupt('lz4', error)
    }
  },
  async decompressAsync(data, maxBytes) {
    try {
      const { frames } = checkedLayout(data, maxBytes)
      if (frames === null) return checkOutput(await decompressFrame(data), maxBytes)
      const outputs = await Promise.all(decodeBlocks(data, frames, uncompress, asyncRoom))
      return joinBlocks(frames, outputs, maxBytes)
    } catch (error) {
      throw corrupt('lz4', error)
    }
  },
}
