import { ProtocolError } from '../../protocol-error.js'

/** Largest decompressed record payload accepted by default: 64 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024

/**
 * One compression algorithm as record batches use it: the whole records
 * section of a batch is compressed as one unit.
 *
 * `maxBytes` bounds the decompressed output. Each codec checks it before
 * allocating where its format says how large the output will be, and otherwise
 * stops as soon as the output passes it, so a small hostile batch cannot
 * expand into gigabytes (a "decompression bomb").
 *
 * The async variants hand the work to the library's thread pool where the
 * library offers one, keeping the event loop free while large batches are
 * (de)compressed.
 */
export interface CompressionCodec {
  readonly name: string
  /**
   * The levels `compress` takes (`compression.gzip.level`, `compression.zstd.level`);
   * null for codecs whose library has one speed only (snappy, and lz4 here).
   */
  readonly levels: { readonly min: number; readonly max: number; readonly default: number } | null
  /** `level` is ignored by codecs without levels; the default level when left out. */
  compress(data: Buffer, level?: number): Buffer
  compressAsync(data: Buffer, level?: number): Promise<Buffer>
  decompress(data: Buffer, maxBytes: number): Buffer
  decompressAsync(data: Buffer, maxBytes: number): Promise<Buffer>
}

/** The error for output that would pass the configured bound. */
export function tooLarge(codec: string, size: number | string, maxBytes: number): ProtocolError {
  return new ProtocolError(
    `${codec} records would decompress to ${size} bytes, more than the limit of ${maxBytes}`,
  )
}

/**
 * Wraps a library failure (corrupt input, truncated frame) as the ProtocolError
 * every caller of the record layer expects; ProtocolErrors pass through as-is.
 */
export function corrupt(codec: string, cause: unknown): ProtocolError {
  if (cause instanceof ProtocolError) return cause
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new ProtocolError(`invalid ${codec} compressed records: ${reason}`, { cause })
}
