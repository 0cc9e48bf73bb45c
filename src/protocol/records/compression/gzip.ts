import { constants as bufferConstants } from 'node:buffer'
import { promisify } from 'node:util'
import { gunzip, gunzipSync, gzip, gzipSync, type ZlibOptions } from 'node:zlib'
import { type CompressionCodec, corrupt, tooLarge } from './codec.js'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

// zlib reports output beyond maxOutputLength with this code; it is the bomb guard
const BUFFER_TOO_LARGE = 'ERR_BUFFER_TOO_LARGE'

function failure(error: unknown, maxBytes: number): Error {
  if ((error as { code?: string } | null)?.code === BUFFER_TOO_LARGE) {
    return tooLarge('gzip', `more than ${maxBytes}`, maxBytes)
  }
  return corrupt('gzip', error)
}

function inflateOptions(maxBytes: number): ZlibOptions {
  // zlib wants 1..buffer.constants.MAX_LENGTH; `checked` covers a bound of 0
  return { maxOutputLength: Math.min(Math.max(1, maxBytes), bufferConstants.MAX_LENGTH) }
}

function checked(out: Buffer, maxBytes: number): Buffer {
  if (out.length > maxBytes) throw tooLarge('gzip', out.length, maxBytes)
  return out
}

/**
 * gzip (RFC 1952) through node:zlib. zlib stops inflating at `maxOutputLength`,
 * so the size bound holds without trusting the stream's own length trailer.
 * Concatenated gzip members, which some writers produce, are accepted.
 */
export const gzipCodec: CompressionCodec = {
  name: 'gzip',
  // zlib's levels; Kafka's default (-1) is zlib's own default, 6
  levels: { min: 1, max: 9, default: 6 },
  compress: (data, level) => gzipSync(data, level === undefined ? undefined : { level }),
  compressAsync: (data, level) => gzipAsync(data, level === undefined ? {} : { level }),
  decompress(data, maxBytes) {
    try {
      return checked(gunzipSync(data, inflateOptions(maxBytes)), maxBytes)
    } catch (error) {
      throw failure(error, maxBytes)
    }
  },
  async decompressAsync(data, maxBytes) {
    try {
      return checked(await gunzipAsync(data, inflateOptions(maxBytes)), maxBytes)
    } catch (error) {
      throw failure(error, maxBytes)
    }
  },
}
