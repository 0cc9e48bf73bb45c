import { ProtocolError } from '../../protocol-error.js'
import type { CompressionCodec } from './codec.js'
import { gzipCodec } from './gzip.js'
import { lz4Codec } from './lz4.js'
import { snappyCodec } from './snappy.js'
import { zstdCodec } from './zstd.js'

export { type CompressionCodec, DEFAULT_MAX_DECOMPRESSED_BYTES } from './codec.js'
export { gzipCodec } from './gzip.js'
export { type Lz4OutputBound, lz4Codec, lz4FrameOutputBound } from './lz4.js'
export { isXerialFramed, snappyCodec, XERIAL_BLOCK_BYTES } from './snappy.js'
export { zstdCodec } from './zstd.js'

/** Values of bits 0-2 of a record batch's attributes. 5-7 are unassigned. */
export enum CompressionType {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

/** Bits 0-2 of the batch attributes hold the compression type. */
export const COMPRESSION_TYPE_MASK = 0x07

/** Passes bytes through; lets callers treat "no compression" like any codec. */
const noneCodec: CompressionCodec = {
  name: 'none',
  levels: null,
  compress: (data) => data,
  compressAsync: async (data) => data,
  decompress: (data) => data,
  decompressAsync: async (data) => data,
}

const CODECS: readonly CompressionCodec[] = [noneCodec, gzipCodec, snappyCodec, lz4Codec, zstdCodec]

/**
 * The codec for a compression type as read from a batch. Anything other than
 * 0-4 comes from a newer or broken writer and cannot be read, so it is a
 * ProtocolError rather than a silent misread.
 */
export function compressionCodec(type: number): CompressionCodec {
  const codec = Number.isInteger(type) ? CODECS[type] : undefined
  if (codec === undefined) throw new ProtocolError(`unknown compression type ${type}`)
  return codec
}
