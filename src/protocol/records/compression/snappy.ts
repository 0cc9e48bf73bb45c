import { compress, compressSync, uncompress, uncompressSync } from 'snappy'
import { ProtocolError } from '../../protocol-error.js'
import { type CompressionCodec, corrupt, tooLarge } from './codec.js'

// Hand-written: the snappy library speaks raw blocks and the standard framing
// format, but Kafka's Java client wraps blocks in snappy-java's own framing.
// That layout is: 8-byte magic, int32 version, int32 minimum compatible
// version, then blocks, each an int32 big-endian length and a raw snappy block.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_VERSION = 1
const XERIAL_MIN_COMPATIBLE = 1
const XERIAL_HEADER_BYTES = 16

/** Input bytes per framed block; snappy-java's default, so Java readers see the blocks they expect. */
export const XERIAL_BLOCK_BYTES = 32 * 1024

/** True when `data` starts with snappy-java's framing magic. */
export function isXerialFramed(data: Uint8Array): boolean {
  if (data.length < XERIAL_MAGIC.length) return false
  for (let i = 0; i < XERIAL_MAGIC.length; i++) {
    if (data[i] !== XERIAL_MAGIC[i]) return false
  }
  return true
}

/**
 * Reads the uncompressed length a raw snappy block declares in its preamble (a
 * 32-bit unsigned LEB128 varint), so the size bound is checked before the
 * library allocates the output.
 */
function declaredLength(block: Uint8Array): number {
  let result = 0
  for (let i = 0; i < 5 && i < block.length; i++) {
    const byte = block[i]
    result += (byte & 0x7f) * 2 ** (7 * i)
    if ((byte & 0x80) === 0) return result
  }
  throw new ProtocolError('snappy block has an unterminated length preamble')
}

/** Splits framed data into its raw blocks after checking every length against what remains. */
function xerialBlocks(data: Buffer): Buffer[] {
  if (data.length < XERIAL_HEADER_BYTES) throw new ProtocolError('truncated snappy-java frame header')
  const blocks: Buffer[] = []
  let at = XERIAL_HEADER_BYTES
  while (at < data.length) {
    if (data.length - at < 4) throw new ProtocolError('truncated snappy-java block length')
    const length = data.readInt32BE(at)
    at += 4
    if (length < 0 || length > data.length - at) {
      throw new ProtocolError(`snappy-java block of ${length} bytes with ${data.length - at} remaining`)
    }
    if (length > 0) blocks.push(data.subarray(at, at + length))
    at += length
  }
  return blocks
}

/** Checks the total the blocks declare against the bound; returns that total. */
function boundedTotal(blocks: Buffer[], maxBytes: number): number {
  let total = 0
  for (const block of blocks) total += declaredLength(block)
  if (total > maxBytes) throw tooLarge('snappy', total, maxBytes)
  return total
}

function joinBlocks(parts: Buffer[], total: number): Buffer {
  if (parts.length === 1 && parts[0].length === total) return parts[0]
  const out = Buffer.allocUnsafe(total)
  let at = 0
  for (const part of parts) {
    if (at + part.length > total) throw new ProtocolError('snappy block longer than its declared length')
    part.copy(out, at)
    at += part.length
  }
  if (at !== total) throw new ProtocolError('snappy block shorter than its declared length')
  return out
}

function frameHeader(): Buffer {
  const header = Buffer.allocUnsafe(XERIAL_HEADER_BYTES)
  XERIAL_MAGIC.copy(header, 0)
  header.writeInt32BE(XERIAL_VERSION, 8)
  header.writeInt32BE(XERIAL_MIN_COMPATIBLE, 12)
  return header
}

function frame(compressedBlocks: Buffer[]): Buffer {
  let size = XERIAL_HEADER_BYTES
  for (const block of compressedBlocks) size += 4 + block.length
  const out = Buffer.allocUnsafe(size)
  frameHeader().copy(out, 0)
  let at = XERIAL_HEADER_BYTES
  for (const block of compressedBlocks) {
    out.writeInt32BE(block.length, at)
    block.copy(out, at + 4)
    at += 4 + block.length
  }
  return out
}

function inputBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = []
  for (let at = 0; at < data.length; at += XERIAL_BLOCK_BYTES) {
    blocks.push(data.subarray(at, Math.min(at + XERIAL_BLOCK_BYTES, data.length)))
  }
  return blocks
}

function uncompressBlockSync(block: Buffer): Buffer {
  return uncompressSync(block, { asBuffer: true }) as Buffer
}

async function uncompressBlock(block: Buffer): Promise<Buffer> {
  return (await uncompress(block, { asBuffer: true })) as Buffer
}

/**
 * snappy as Kafka uses it. Writers always produce snappy-java framing, which
 * every Kafka client reads; readers accept that framing or a single raw block
 * (written by some non-Java clients), told apart by the magic.
 */
export const snappyCodec: CompressionCodec = {
  name: 'snappy',
  levels: null,
  compress: (data) => frame(inputBlocks(data).map((block) => compressSync(block))),
  async compressAsync(data) {
    return frame(await Promise.all(inputBlocks(data).map((block) => compress(block))))
  },
  decompress(data, maxBytes) {
    try {
      const blocks = isXerialFramed(data) ? xerialBlocks(data) : [data]
      const total = boundedTotal(blocks, maxBytes)
      return joinBlocks(blocks.map(uncompressBlockSync), total)
    } catch (error) {
      throw corrupt('snappy', error)
    }
  },
  async decompressAsync(data, maxBytes) {
    try {
      const blocks = isXerialFramed(data) ? xerialBlocks(data) : [data]
      const total = boundedTotal(blocks, maxBytes)
      return joinBlocks(await Promise.all(blocks.map(uncompressBlock)), total)
    } catch (error) {
      throw corrupt('snappy', error)
    }
  },
}
