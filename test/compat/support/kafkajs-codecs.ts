import { compressFrame, decompressFrame } from 'lz4-napi'
import { compress as snappyCompress, uncompress as snappyUncompress } from 'snappy'
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi'

/**
 * kafkajs has gzip built in; snappy, lz4 and zstd exist only as plugins
 * registered in its CompressionCodecs table. These are backed by the
 * libraries Sluice itself depends on (snappy, lz4-napi, zstd-napi) and
 * written for the compatibility suite, not taken from the community plugin
 * packages. The snappy one writes snappy-java's framing (the layout the Java
 * client writes and every Kafka client reads) rather than the single raw
 * block the popular kafkajs-snappy plugin writes, and reads both.
 */

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
/** Input bytes per snappy-java block: its default, what Java readers are used to. */
const XERIAL_BLOCK_BYTES = 32 * 1024

/**
 * snappy-java framing: the 8-byte magic, version 1, minimum compatible
 * version 1, then each block as a big-endian int32 length and a raw snappy
 * block of up to 32 KiB of input.
 */
async function xerialCompress(data: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]
  for (let at = 0; at < data.length; at += XERIAL_BLOCK_BYTES) {
    const block = await snappyCompress(data.subarray(at, at + XERIAL_BLOCK_BYTES))
    const length = Buffer.alloc(4)
    length.writeInt32BE(block.length)
    parts.push(length, block)
  }
  return Buffer.concat(parts)
}

/** Reads snappy-java framing, or a single raw block as some other clients write. */
async function xerialDecompress(data: Buffer): Promise<Buffer> {
  if (data.length < 16 || !data.subarray(0, 8).equals(XERIAL_MAGIC)) {
    return (await snappyUncompress(data, { asBuffer: true })) as Buffer
  }
  const blocks: Buffer[] = []
  for (let at = 16; at < data.length; ) {
    const length = data.readInt32BE(at)
    at += 4
    if (length < 0 || at + length > data.length) throw new Error('truncated snappy-java block')
    blocks.push((await snappyUncompress(data.subarray(at, at + length), { asBuffer: true })) as Buffer)
    at += length
  }
  return Buffer.concat(blocks)
}

interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>
  decompress(buffer: Buffer): Promise<Buffer>
}

const snappyPlugin: KafkajsCodec = {
  compress: (encoder) => xerialCompress(encoder.buffer),
  decompress: xerialDecompress,
}

/** Kafka's lz4 is the standard LZ4 frame format, which lz4-napi's frame functions speak. */
const lz4Plugin: KafkajsCodec = {
  compress: (encoder) => compressFrame(encoder.buffer),
  decompress: (buffer) => decompressFrame(buffer),
}

/** A zstd frame; zstd-napi's one-shot functions are synchronous. */
const zstdPlugin: KafkajsCodec = {
  compress: async (encoder) => zstdCompress(encoder.buffer),
  decompress: async (buffer) => zstdDecompress(buffer),
}

/** The parts of the kafkajs module the plugins are registered in. */
interface KafkajsCodecTable {
  CompressionTypes: { Snappy: number; LZ4: number; ZSTD: number }
  CompressionCodecs: Record<number, () => unknown>
}

/** Registers the snappy, lz4 and zstd plugins in kafkajs's codec table (global to the process). */
export function registerKafkajsCodecs(lib: KafkajsCodecTable): void {
  lib.CompressionCodecs[lib.CompressionTypes.Snappy] = () => snappyPlugin
  lib.CompressionCodecs[lib.CompressionTypes.LZ4] = () => lz4Plugin
  lib.CompressionCodecs[lib.CompressionTypes.ZSTD] = () => zstdPlugin
}
