import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect } from 'vitest'
import { encodeMessage, messageCodec } from '../../../src/protocol/codec.js'
import { Reader } from '../../../src/protocol/reader.js'
import { type MessageSpec, parseVersionRange } from '../../../src/protocol/schema.js'

/**
 * Glue between Sluice's codec and the two client libraries it is checked
 * against. Neither library ships types for the internal modules used here, so
 * everything coming out of them is `any`; the tests pin the shapes down with
 * explicit expectations instead.
 */

export const requireCjs = createRequire(import.meta.url)

/** Versions in `from..to` (the other library's range) that Sluice's schema also speaks. */
export function sharedVersions(spec: MessageSpec, from: number, to: number): number[] {
  const { min, max } = parseVersionRange(spec.validVersions)
  const out: number[] = []
  for (let v = Math.max(from, min); v <= Math.min(to, max); v++) out.push(v)
  return out
}

/** Decodes a body with Sluice and insists that every byte was used. */
export function sluiceDecode(spec: MessageSpec, version: number, bytes: Buffer): any {
  const reader = new Reader(bytes)
  const value = messageCodec(spec, version).decode(reader)
  expect(reader.remaining, `${spec.name} v${version}: bytes left after Sluice decoded`).toBe(0)
  return value
}

/** Hex comparison, so a mismatch shows where the two encodings part ways. */
export function expectSameBytes(actual: Buffer, expected: Buffer, what: string): void {
  expect(actual.toString('hex'), what).toBe(expected.toString('hex'))
}

/**
 * Removes keys whose value is undefined, recursively. Expectations are written
 * as `v >= 5 ? value : undefined`, so a field a version lacks is simply not
 * asserted (the byte comparison still covers it: a field at the wrong version
 * shifts everything after it).
 */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => prune(v)) as T
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || isMatcher(value))
    return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = prune(v)
  return out as T
}

function isMatcher(v: unknown): boolean {
  return typeof (v as { asymmetricMatch?: unknown })?.asymmetricMatch === 'function'
}

/**
 * Fills the places where an expectation holds a matcher (bytes the test cannot
 * predict, such as a record batch the other library built) with what was
 * actually decoded there, so the rest of the expectation can be encoded.
 */
export function resolveMatchers(expected: unknown, actual: unknown): unknown {
  if (isMatcher(expected)) return actual
  if (Array.isArray(expected)) return expected.map((e, i) => resolveMatchers(e, (actual as unknown[])?.[i]))
  if (expected !== null && typeof expected === 'object' && !(expected instanceof Uint8Array)) {
    const a = actual as Record<string, unknown> | undefined
    return Object.fromEntries(Object.entries(expected).map(([k, e]) => [k, resolveMatchers(e, a?.[k])]))
  }
  return expected
}

/**
 * The request check shared by both libraries: the other library's bytes decode
 * with Sluice to the expected values, and Sluice encodes those values to the
 * very same bytes.
 */
export function checkRequestBytes(spec: MessageSpec, version: number, theirs: Buffer, expected: object): any {
  const decoded = sluiceDecode(spec, version, theirs)
  const want = prune(expected)
  expect(decoded).toMatchObject(want)
  const ours = encodeMessage(spec, version, resolveMatchers(want, decoded) as object)
  expectSameBytes(ours, theirs, `${spec.name} v${version}: Sluice's encoding`)
  return decoded
}

// ---------------------------------------------------------------- kafkajs

const KAFKAJS_REQUESTS = 'kafkajs/src/protocol/requests'

export interface KafkajsRequest {
  apiKey: number
  apiVersion: number
  encode(): Promise<{ buffer: Buffer }>
}

export interface KafkajsResponse {
  decode(body: Buffer): Promise<any>
  parse(decoded: any): Promise<any>
}

/** A kafkajs request builder, e.g. `kafkajsRequest('fetch', 11)`. */
export function kafkajsRequest(dir: string, version: number): (args?: any) => KafkajsRequest {
  return requireCjs(`${KAFKAJS_REQUESTS}/${dir}/v${version}/request`)
}

/** A kafkajs response module; a few (DeleteRecords) are factories taking the request's arguments. */
export function kafkajsResponse(dir: string, version: number): any {
  return requireCjs(`${KAFKAJS_REQUESTS}/${dir}/v${version}/response`)
}

/** The body kafkajs writes for a request (its encode() leaves out size and header). */
export async function kafkajsBody(request: KafkajsRequest): Promise<Buffer> {
  return Buffer.from((await request.encode()).buffer)
}

interface DecoderWatch {
  target: Buffer | null
  seen: Set<{ buffer: Buffer; offset: number }>
}

const WATCH = Symbol.for('sluice.cross-check.kafkajs-decoder-watch')

/**
 * kafkajs response decoders build their own Decoder and never say how far
 * they read, so a field Sluice wrote at the end of a message that kafkajs does
 * not expect in that version would go unnoticed. Every read method of the
 * Decoder class is wrapped once to remember the decoder working on the buffer
 * under test; afterwards its offset tells how many bytes kafkajs consumed.
 */
function decoderWatch(): DecoderWatch {
  const proto = requireCjs('kafkajs/src/protocol/decoder').prototype
  if (!proto[WATCH]) {
    const watch: DecoderWatch = { target: null, seen: new Set() }
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (!name.startsWith('read')) continue
      const original = proto[name] as (...args: unknown[]) => unknown
      proto[name] = function (this: { buffer: Buffer; offset: number }, ...args: unknown[]) {
        if (this.buffer === watch.target) watch.seen.add(this)
        return original.apply(this, args)
      }
    }
    proto[WATCH] = watch
  }
  return proto[WATCH]
}

/** Runs a kafkajs response decoder over a body and requires it to read every byte. */
export async function kafkajsDecode(decode: (body: Buffer) => Promise<any>, body: Buffer): Promise<any> {
  const watch = decoderWatch()
  watch.target = body
  watch.seen.clear()
  let decoded: any
  try {
    decoded = await decode(body)
  } finally {
    watch.target = null
  }
  const consumed = Math.max(0, ...[...watch.seen].map((d) => d.offset))
  expect(consumed, 'bytes kafkajs read from the body').toBe(body.length)
  return decoded
}

// ---------------------------------------------------------------- @platformatic/kafka

const PLATFORMATIC_DIST = dirname(requireCjs.resolve('@platformatic/kafka'))

/** Imports a file from @platformatic/kafka's dist folder (its package exports only the root). */
export async function platformaticModule(path: string): Promise<any> {
  return import(pathToFileURL(join(PLATFORMATIC_DIST, path)).href)
}

export interface PlatformaticApi {
  createRequest(...args: any[]): { buffer: Buffer }
  parseResponse(correlationId: number, apiKey: number, apiVersion: number, reader: any): any
}

/** One API version module, e.g. `platformaticApi('consumer/fetch-v12')`. */
export async function platformaticApi(path: string): Promise<PlatformaticApi> {
  return platformaticModule(`apis/${path}.js`)
}

/**
 * Parses a response body with @platformatic/kafka. Its parsers throw a
 * ResponseError carrying the parsed response whenever any error code is set;
 * that response is what is compared, so realistic non-zero codes can be used.
 * Returns the bytes the parser left unread.
 */
export async function platformaticParse(
  api: PlatformaticApi,
  apiKey: number,
  version: number,
  body: Buffer,
): Promise<{ response: any; remaining: number }> {
  const { Reader: PlatformaticReader } = await platformaticModule('protocol/reader.js')
  const reader = PlatformaticReader.from(body)
  let response: any
  try {
    response = api.parseResponse(0, apiKey, version, reader)
  } catch (error) {
    const carried = (error as { response?: unknown }).response
    if (carried === undefined) throw error
    response = carried
  }
  return { response, remaining: reader.remaining }
}
