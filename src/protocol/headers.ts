import { messageCodec } from './codec.js'
import type { Reader } from './reader.js'
import type { MessageOf, MessageSpec } from './schema.js'
import type { Writer } from './writer.js'

/**
 * Request header v0-v2. v1 adds the client id; v2 (used by flexible request
 * versions) adds tagged fields, but the client id keeps its classic int16
 * length even there, which is why it overrides flexibleVersions.
 */
export const RequestHeader = {
  apiKey: -1,
  name: 'RequestHeader',
  type: 'header',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'requestApiKey', type: 'int16', versions: '0+' },
    { name: 'requestApiVersion', type: 'int16', versions: '0+' },
    // Echoed back in the response header so the client can match responses to requests.
    { name: 'correlationId', type: 'int32', versions: '0+' },
    {
      name: 'clientId',
      type: 'string',
      versions: '1+',
      nullableVersions: '1+',
      flexibleVersions: 'none',
      default: null,
    },
  ],
} as const satisfies MessageSpec

/** Response header v0-v1; v1 adds tagged fields. */
export const ResponseHeader = {
  apiKey: -1,
  name: 'ResponseHeader',
  type: 'header',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [{ name: 'correlationId', type: 'int32', versions: '0+' }],
} as const satisfies MessageSpec

export type RequestHeaderValue = MessageOf<typeof RequestHeader>
export type ResponseHeaderValue = MessageOf<typeof ResponseHeader>

const API_VERSIONS_KEY = 18

/** Header version a request uses: v2 for flexible API versions, v1 otherwise. */
export function requestHeaderVersion(flexible: boolean): number {
  return flexible ? 2 : 1
}

/**
 * Header version a response uses: v1 for flexible API versions, v0 otherwise,
 * and always v0 for ApiVersions so that a client can read the broker's error
 * and supported range even when it asked with a version the broker lacks.
 */
export function responseHeaderVersion(apiKey: number, flexible: boolean): number {
  if (apiKey === API_VERSIONS_KEY) return 0
  return flexible ? 1 : 0
}

export function writeRequestHeader(w: Writer, version: number, header: Partial<RequestHeaderValue>): void {
  messageCodec(RequestHeader, version).encode(w, header)
}

export function readRequestHeader(r: Reader, version: number): RequestHeaderValue {
  return messageCodec(RequestHeader, version).decode(r) as RequestHeaderValue
}

export function writeResponseHeader(w: Writer, version: number, correlationId: number): void {
  messageCodec(ResponseHeader, version).encode(w, { correlationId })
}

export function readResponseHeader(r: Reader, version: number): ResponseHeaderValue {
  return messageCodec(ResponseHeader, version).decode(r) as ResponseHeaderValue
}

export type { MessageSpec }
