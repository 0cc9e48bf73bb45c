import { compress } from 'zstd-napi'
import zstdBinding from 'zstd-napi/binding.js'
import { ProtocolError } from '../../protocol-error.js'
import { type CompressionCodec, corrupt, tooLarge } from './codec.js'

const STREAM_CHUNK_BYTES = zstdBinding.dStreamOutSize()

// zstd's own default ceiling on the window a frame may ask the decoder to keep
const DEFAULT_WINDOW_LOG_MAX = 27
const MIN_WINDOW_LOG = 10

let context: InstanceType<typeof zstdBinding.DCtx> | undefined

/**
 * One reusable decompression context (creating one per batch is measurably
 * slower). Safe to share: every call below runs to completion synchronously.
 */
function decompressionContext(maxBytes: number): InstanceType<typeof zstdBinding.DCtx> {
  context ??= new zstdBinding.DCtx()
  context.reset(zstdBinding.ResetDirective.sessionAndParameters)
  // A window larger than the allowed output can never be needed, so refuse
  // frames that ask for one instead of letting the decoder allocate it.
  const windowLog = Math.max(MIN_WINDOW_LOG, Math.min(DEFAULT_WINDOW_LOG_MAX, Math.ceil(Math.log2(maxBytes))))
  context.setParameter(zstdBinding.DParameter.windowLogMax, windowLog)
  return context
}

/** Total declared content size of every frame, or null when any frame leaves it out. */
function declaredSize(data: Buffer): number | null {
  let total = 0
  let rest = data
  while (rest.length > 0) {
    const size = zstdBinding.getFrameContentSize(rest)
    if (size === null) return null
    total += size
    rest = rest.subarray(zstdBinding.findFrameCompressedSize(rest))
  }
  return total
}

/**
 * Streams the frames into chunks, stopping as soon as the output passes the
 * bound. Java's zstd writer streams, so its frames usually omit the content
 * size and take this path.
 */
function streamDecompress(
  dctx: InstanceType<typeof zstdBinding.DCtx>,
  data: Buffer,
  maxBytes: number,
): Buffer {
  const chunks: Buffer[] = []
  let total = 0
  let rest = data
  for (;;) {
    const room = Math.max(1, Math.min(Math.max(STREAM_CHUNK_BYTES, rest.length * 4), maxBytes - total + 1))
    const chunk = Buffer.allocUnsafe(room)
    const [pending, produced, consumed] = dctx.decompressStream(chunk, rest)
    rest = rest.subarray(consumed)
    total += produced
    if (total > maxBytes) throw tooLarge('zstd', `more than ${maxBytes}`, maxBytes)
    if (produced > 0) chunks.push(chunk.subarray(0, produced))
    if (pending === 0 && rest.length === 0) break
    if (produced === 0 && consumed === 0) throw new ProtocolError('truncated zstd frame')
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total)
}

function decompressBounded(data: Buffer, maxBytes: number): Buffer {
  try {
    if (data.length === 0) throw new ProtocolError('empty zstd input')
    const dctx = decompressionContext(maxBytes)
    const size = declaredSize(data)
    if (size === null) return streamDecompress(dctx, data, maxBytes)
    if (size > maxBytes) throw tooLarge('zstd', size, maxBytes)
    const out = Buffer.allocUnsafe(size)
    // the library fails rather than write past `out` if the declared size lies
    const written = dctx.decompress(out, data)
    if (written !== size) throw new ProtocolError(`zstd frame declared ${size} bytes but held ${written}`)
    return out
  } catch (error) {
    throw corrupt('zstd', error)
  }
}

/**
 * Zstandard (Kafka 2.1+, KIP-110). zstd-napi exposes no thread-pool entry point
 * (its streams also run on the calling thread), so the async variants run the
 * same synchronous call and only keep the interface uniform.
 */
export const zstdCodec: CompressionCodec = {
  name: 'zstd',
  // Kafka's range for compression.zstd.level (negative levels are the fast ones); default 3
  levels: { min: -131072, max: 22, default: 3 },
  compress: (data, level) => compress(data, level === undefined ? undefined : { compressionLevel: level }),
  compressAsync: async (data, level) =>
    compress(data, level === undefined ? undefined : { compressionLevel: level }),
  decompress: decompressBounded,
  decompressAsync: async (data, maxBytes) => decompressBounded(data, maxBytes),
}
