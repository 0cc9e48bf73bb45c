import type { ApiDefinition } from './api.js'
import { messageCodec } from './codec.js'
import {
  type RequestHeaderValue,
  readRequestHeader,
  readResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
} from './headers.js'
import { ProtocolError } from './protocol-error.js'
import { Reader } from './reader.js'
import { inVersionRange, type MessageInput, type MessageOf } from './schema.js'
import { Writer } from './writer.js'

/**
 * Whole frames as they cross a socket: a 4-byte size, a header, a body.
 * Encoders return the frame with its size prefix; decoders take the bytes
 * after the size prefix (what a frame splitter hands over).
 */

/** The first 8 bytes of every request header, identical in v0, v1 and v2. */
export interface RequestPrefix {
  apiKey: number
  apiVersion: number
  correlationId: number
}

/**
 * Reads api key, version and correlation id without knowing the API, so a
 * broker can answer an unsupported version (or refuse an unknown key) before
 * it tries to decode a body it has no schema for.
 */
export function readRequestPrefix(frame: Buffer): RequestPrefix {
  if (frame.length < 8) throw new ProtocolError(`request of ${frame.length} bytes is shorter than a header`)
  return {
    apiKey: frame.readInt16BE(0),
    apiVersion: frame.readInt16BE(2),
    correlationId: frame.readInt32BE(4),
  }
}

export function encodeRequest<A extends ApiDefinition>(
  api: A,
  version: number,
  header: { correlationId: number; clientId?: string | null },
  body: MessageInput<A['request']>,
): Buffer {
  const codec = messageCodec(api.request, version)
  const w = new Writer(512)
  const sizeAt = w.placeholderInt32()
  writeRequestHeader(w, requestHeaderVersion(codec.flexible), {
    requestApiKey: api.key,
    requestApiVersion: version,
    correlationId: header.correlationId,
    clientId: header.clientId ?? null,
  })
  codec.encode(w, body)
  w.patchInt32(sizeAt, w.offset - 4)
  return w.finish()
}

/**
 * As `encodeRequest`, but large byte fields (record batches) are not copied
 * into the frame: the frame comes as a list of buffers, to be written in
 * order (with `cork`, one system call). For Produce requests of big batches.
 */
export function encodeRequestParts<A extends ApiDefinition>(
  api: A,
  version: number,
  header: { correlationId: number; clientId?: string | null },
  body: MessageInput<A['request']>,
): Buffer[] {
  const codec = messageCodec(api.request, version)
  const w = new Writer(512).gather()
  const sizeAt = w.placeholderInt32()
  writeRequestHeader(w, requestHeaderVersion(codec.flexible), {
    requestApiKey: api.key,
    requestApiVersion: version,
    correlationId: header.correlationId,
    clientId: header.clientId ?? null,
  })
  codec.encode(w, body)
  w.patchInt32(sizeAt, w.length - 4)
  return w.finishParts()
}

export interface DecodedRequest<A extends ApiDefinition = ApiDefinition> {
  api: A
  header: RequestHeaderValue
  body: MessageOf<A['request']>
  /** Bytes left after the body; always 0 unless `trailingBytes: 'ignore'` was asked for. */
  trailingBytes: number
}

export interface DecodeRequestOptions {
  /**
   * 'reject' (the default) throws ProtocolError when bytes are left after the
   * body. 'ignore' reads the body and reports what is left over, as Kafka's
   * brokers do: they parse the body and never look at the rest of the frame
   * (librdkafka 2.1.0 sends an all-topics Metadata v9 with 3 extra bytes and
   * works against Kafka).
   */
  trailingBytes?: 'reject' | 'ignore'
}

/**
 * Decodes a request whose API is known. Throws ProtocolError when the version
 * is outside what Sluice speaks or the bytes do not match the schema,
 * including (unless told to ignore them) trailing bytes after the body.
 */
export function decodeRequest<A extends ApiDefinition>(
  api: A,
  frame: Buffer,
  options: DecodeRequestOptions = {},
): DecodedRequest<A> {
  const { apiKey, apiVersion } = readRequestPrefix(frame)
  if (apiKey !== api.key) throw new ProtocolError(`request key ${apiKey} is not ${api.name} (${api.key})`)
  if (!inVersionRange(apiVersion, api.request.validVersions)) {
    throw new ProtocolError(`${api.name} v${apiVersion} is not supported`)
  }
  const codec = messageCodec(api.request, apiVersion)
  const r = new Reader(frame)
  const header = readRequestHeader(r, requestHeaderVersion(codec.flexible))
  const body = codec.decode(r) as MessageOf<A['request']>
  if (r.remaining !== 0 && options.trailingBytes !== 'ignore')
    throw new ProtocolError(`${api.name} v${apiVersion} request has ${r.remaining} trailing bytes`)
  return { api, header, body, trailingBytes: r.remaining }
}

export function encodeResponse<A extends ApiDefinition>(
  api: A,
  version: number,
  correlationId: number,
  body: MessageInput<A['response']>,
): Buffer {
  const codec = messageCodec(api.response, version)
  const w = new Writer(512)
  const sizeAt = w.placeholderInt32()
  writeResponseHeader(w, responseHeaderVersion(api.key, codec.flexible), correlationId)
  codec.encode(w, body)
  w.patchInt32(sizeAt, w.offset - 4)
  return w.finish()
}

export interface DecodedResponse<A extends ApiDefinition = ApiDefinition> {
  correlationId: number
  body: MessageOf<A['response']>
}

/** Decodes a response to a request the caller sent with `version`. */
export function decodeResponse<A extends ApiDefinition>(
  api: A,
  version: number,
  frame: Buffer,
): DecodedResponse<A> {
  const codec = messageCodec(api.response, version)
  const r = new Reader(frame)
  const { correlationId } = readResponseHeader(r, responseHeaderVersion(api.key, codec.flexible))
  const body = codec.decode(r) as MessageOf<A['response']>
  if (r.remaining !== 0)
    throw new ProtocolError(`${api.name} v${version} response has ${r.remaining} trailing bytes`)
  return { correlationId, body }
}
