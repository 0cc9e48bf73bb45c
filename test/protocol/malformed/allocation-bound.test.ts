import v8 from 'node:v8'
import vm from 'node:vm'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeMessage, messageCodec } from '../../../src/protocol/codec.js'
import { decodeRequest, decodeResponse } from '../../../src/protocol/frames.js'
import { responseHeaderVersion } from '../../../src/protocol/headers.js'
import { allApis } from '../../../src/protocol/messages/index.js'
import { ProtocolError } from '../../../src/protocol/protocol-error.js'
import { Reader } from '../../../src/protocol/reader.js'
import { type FieldSpec, inVersionRange, type MessageSpec } from '../../../src/protocol/schema.js'
import { messageArbitrary, versionsOf } from '../support/message-arbitrary.js'
import { decodeOrRefuse, toHex } from './refusal.js'

/*
 * "Every length read off the wire is checked before anything is allocated for
 * it." Here a length field claims far more than the frame holds (2^31-1 array
 * elements, a 0x7fff-byte string, 2 GiB of bytes) with only 10 bytes behind it.
 * The decoder must refuse it with a ProtocolError rather than allocate for the
 * claim, and a thousand such frames in a row must not move the heap by more
 * than a loose bound.
 */
const TRAILING = Buffer.alloc(10)
const MEMORY_BOUND_BYTES = 50 * 1024 * 1024
const HOSTILE_DECODES = 1000

function uvarint(n: number): Buffer {
  const out: number[] = []
  let v = n
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
  return Buffer.from(out)
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2)
  b.writeInt16BE(n)
  return b
}

/** Length fields claiming far more than the 10 bytes that follow them, as each encoding writes them. */
function hostileLengths(field: FieldSpec, flexible: boolean): Buffer[] {
  const type = field.type
  if (type.startsWith('[]')) {
    // compact arrays carry count + 1: these claim 2^31-1 and 2^32-2 elements
    return flexible ? [uvarint(2 ** 31), uvarint(2 ** 32 - 1)] : [int32(0x7fffffff)]
  }
  if (type === 'string') return flexible ? [uvarint(0x7fff + 1), uvarint(2 ** 32 - 1)] : [int16(0x7fff)]
  return flexible ? [uvarint(2 ** 31), uvarint(2 ** 32 - 1)] : [int32(0x7fffffff)]
}

function isVariableLength(field: FieldSpec): boolean {
  return field.type.startsWith('[]') || ['string', 'bytes', 'records'].includes(field.type)
}

interface HostileBody {
  spec: MessageSpec
  version: number
  field: string
  bytes: Buffer
}

/**
 * For each top-level variable-length field of a version: the fields before it
 * at their defaults, then a hostile length, then 10 bytes. The prefix comes
 * from encoding a copy of the schema cut just before the field; in flexible
 * versions that encoding ends with an empty tagged-field section (one 0 byte),
 * which is dropped since the cut is mid-message.
 */
function hostileBodies(spec: MessageSpec, version: number): HostileBody[] {
  const flexible = inVersionRange(version, spec.flexibleVersions)
  const out: HostileBody[] = []
  for (let i = 0; i < spec.fields.length; i++) {
    const field = spec.fields[i]
    const onWire =
      inVersionRange(version, field.versions) && !(flexible && inVersionRange(version, field.taggedVersions))
    if (!onWire || !isVariableLength(field)) continue
    const cut: MessageSpec = { ...spec, fields: spec.fields.slice(0, i) }
    const encoded = encodeMessage(cut, version, {})
    const prefix = flexible ? encoded.subarray(0, encoded.length - 1) : encoded
    for (const length of hostileLengths(field, flexible)) {
      out.push({ spec, version, field: field.name, bytes: Buffer.concat([prefix, length, TRAILING]) })
    }
  }
  return out
}

const allBodies: HostileBody[] = allApis.flatMap((api) =>
  [api.request, api.response].flatMap((spec) => versionsOf(spec).flatMap((v) => hostileBodies(spec, v))),
)

function decodeBody(spec: MessageSpec, version: number, bytes: Buffer): unknown {
  return messageCodec(spec, version).decode(new Reader(bytes))
}

/** A request frame whose header's client id claims 0x7fff bytes and 10 follow. */
function hostileClientIdFrame(api: (typeof allApis)[number], version: number): Buffer {
  return Buffer.concat([int16(api.key), int16(version), int32(7), int16(0x7fff), TRAILING])
}

/** A response frame whose body is a hostile claim from `body`. */
function hostileResponseFrame(body: HostileBody, correlationId = 7): Buffer {
  const headerVersion = responseHeaderVersion(
    body.spec.apiKey,
    inVersionRange(body.version, body.spec.flexibleVersions),
  )
  // header v1 adds an empty tagged-field section after the correlation id
  const tags = headerVersion === 1 ? Buffer.from([0]) : Buffer.alloc(0)
  return Buffer.concat([int32(correlationId), tags, body.bytes])
}

describe('length claims larger than the frame', () => {
  it('a top-level array, string or bytes claiming 2^31-1 items, 0x7fff bytes or 2 GiB throws ProtocolError', () => {
    // every API has at least one variable-length field in some version, so
    // this covers every API; the count guards against a schema walk that finds nothing
    expect(new Set(allBodies.map((b) => b.spec.apiKey)).size).toBe(allApis.length)
    expect(allBodies.length).toBeGreaterThan(300)
    for (const body of allBodies) {
      const outcome = decodeOrRefuse(
        body.bytes,
        (b) => decodeBody(body.spec, body.version, b),
        body.spec.name,
      )
      expect(outcome, `${body.spec.name} v${body.version} ${body.field}: ${toHex(body.bytes)}`).toBe(
        'refused',
      )
    }
  })

  it('the same claims inside whole response frames throw ProtocolError', () => {
    for (const body of allBodies.filter((b) => b.spec.type === 'response')) {
      const api = allApis.find((a) => a.key === body.spec.apiKey)
      if (api === undefined) throw new Error(`no API for ${body.spec.name}`)
      const frame = hostileResponseFrame(body)
      expect(decodeOrRefuse(frame, (b) => decodeResponse(api, body.version, b))).toBe('refused')
    }
  })

  it('a request header whose client id claims 0x7fff bytes throws ProtocolError, every API and version', () => {
    for (const api of allApis) {
      for (const version of versionsOf(api.request)) {
        const frame = hostileClientIdFrame(api, version)
        const error = (() => {
          try {
            decodeRequest(api, frame)
          } catch (e) {
            return e
          }
        })()
        expect(error, `${api.name} v${version}`).toBeInstanceOf(ProtocolError)
        expect((error as Error).message).toMatch(/truncated string/)
      }
    }
  })

  it('hostile lengths patched in at every position of a valid body decode or throw ProtocolError', () => {
    const patches = [int32(0x7fffffff), int32(-2), int16(0x7fff), uvarint(2 ** 31), uvarint(2 ** 32 - 1)]
    for (const api of allApis) {
      for (const spec of [api.request, api.response]) {
        for (const version of versionsOf(spec)) {
          // the all-defaults encoding and one random value, fixed by seed so the sweep is repeatable
          const random = fc.sample(messageArbitrary(spec, version), { numRuns: 1, seed: version })
          const valids = [{}, ...random].map((value) => encodeMessage(spec, version, value))
          for (const valid of valids) {
            for (let at = 0; at < valid.length; at++) {
              for (const patch of patches) {
                const bytes = Buffer.concat([
                  valid.subarray(0, at),
                  patch,
                  valid.subarray(at + patch.length),
                  TRAILING,
                ])
                decodeOrRefuse(bytes, (b) => decodeBody(spec, version, b), `${spec.name} v${version}`)
              }
            }
          }
        }
      }
    }
  })
})

/** Node's collector, reachable when the flag is set at run time; heap readings are steadier after it. */
function collector(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc')
    return vm.runInNewContext('gc') as () => void
  } catch {
    return undefined
  }
}

describe('memory under hostile frames', () => {
  it(`${HOSTILE_DECODES} hostile decodes move neither heap nor array buffers by more than 50 MB`, () => {
    const frames: (() => unknown)[] = []
    for (const body of allBodies) frames.push(() => decodeBody(body.spec, body.version, body.bytes))
    for (const api of allApis) {
      for (const version of versionsOf(api.request)) {
        const frame = hostileClientIdFrame(api, version)
        frames.push(() => decodeRequest(api, frame))
      }
    }
    const gc = collector()
    gc?.()
    const before = process.memoryUsage()
    let peakHeap = 0
    let peakBuffers = 0
    let refused = 0
    for (let i = 0; i < HOSTILE_DECODES; i++) {
      try {
        frames[i % frames.length]()
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error
        refused++
      }
      // readings without collecting in between: garbage counts too, so this is an upper bound
      const now = process.memoryUsage()
      peakHeap = Math.max(peakHeap, now.heapUsed - before.heapUsed)
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers - before.arrayBuffers)
    }
    expect(refused).toBe(HOSTILE_DECODES)
    expect(peakHeap).toBeLessThan(MEMORY_BOUND_BYTES)
    expect(peakBuffers).toBeLessThan(MEMORY_BOUND_BYTES)
  })
})
