import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { messageCodec } from '../../../src/protocol/codec.js'
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  readRequestPrefix,
} from '../../../src/protocol/frames.js'
import { allApis } from '../../../src/protocol/messages/index.js'
import { ProtocolError } from '../../../src/protocol/protocol-error.js'
import { parseVersionRange } from '../../../src/protocol/schema.js'
import { messageArbitrary, versionsOf } from '../support/message-arbitrary.js'
import { mutatedArbitrary } from './mutation.js'
import { decodeOrRefuse, OutcomeTally, toHex } from './refusal.js'

/*
 * Whole frames (the bytes after the 4-byte size) through decodeRequest and
 * decodeResponse: the header is decoded too, the API key and version are
 * checked against the schema, and nothing may follow the body.
 */
const RANDOM_FRAME_RUNS_PER_API = 240
const MUTATED_FRAME_RUNS_PER_API = 240
const MIN_RUNS_PER_VERSION = 15
/** Size prefix written by encodeRequest / encodeResponse, which decoders do not take. */
const SIZE_PREFIX = 4
/** apiKey + apiVersion + correlationId: what readRequestPrefix reads. */
const REQUEST_PREFIX = 8

type Api = (typeof allApis)[number]

function runs(api: Api, budget: number): number {
  return Math.max(MIN_RUNS_PER_VERSION, Math.ceil(budget / versionsOf(api.request).length))
}

const clientId = fc.option(fc.string({ maxLength: 12 }), { nil: null })

function requestFrameArbitrary(api: Api, version: number): fc.Arbitrary<Buffer> {
  return fc
    .tuple(
      messageArbitrary(api.request, version),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      clientId,
    )
    .map(([body, correlationId, id]) =>
      encodeRequest(api, version, { correlationId, clientId: id }, body as never).subarray(SIZE_PREFIX),
    )
}

function responseFrameArbitrary(api: Api, version: number): fc.Arbitrary<Buffer> {
  return fc
    .tuple(messageArbitrary(api.response, version), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }))
    .map(([body, correlationId]) =>
      encodeResponse(api, version, correlationId, body as never).subarray(SIZE_PREFIX),
    )
}

/** The 8 bytes every request starts with, set right for `api` at `version`. */
function prefix(api: Api, version: number, correlationId: number): Buffer {
  const out = Buffer.alloc(REQUEST_PREFIX)
  out.writeInt16BE(api.key, 0)
  out.writeInt16BE(version, 2)
  out.writeInt32BE(correlationId, 4)
  return out
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

describe.each(allApis.map((api) => [api.name, api] as const))(
  '%s frames on malformed input',
  (_name, api) => {
    it('decodeRequest: a valid prefix followed by random bytes decodes or throws ProtocolError', () => {
      const tally = new OutcomeTally()
      for (const version of versionsOf(api.request)) {
        fc.assert(
          fc.property(
            fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
            fc.uint8Array({ maxLength: 300 }),
            (id, rest) => {
              const frame = Buffer.concat([prefix(api, version, id), rest])
              tally.add(
                decodeOrRefuse(frame, (b) => decodeRequest(api, b), `${api.name} v${version} request`),
              )
            },
          ),
          { numRuns: runs(api, RANDOM_FRAME_RUNS_PER_API) },
        )
      }
      expect(tally.refused).toBeGreaterThan(0)
    })

    it('decodeResponse: random bytes decode or throw ProtocolError', () => {
      for (const version of versionsOf(api.response)) {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 300 }), (frame) => {
            decodeOrRefuse(frame, (b) => decodeResponse(api, version, b), `${api.name} v${version} response`)
          }),
          { numRuns: runs(api, RANDOM_FRAME_RUNS_PER_API) },
        )
      }
    })

    it('decodeRequest: mutated valid frames decode or throw ProtocolError, prefix kept or not', () => {
      const tally = new OutcomeTally()
      for (const version of versionsOf(api.request)) {
        fc.assert(
          fc.property(
            fc
              .boolean()
              .chain((keepPrefix) =>
                mutatedArbitrary(requestFrameArbitrary(api, version), keepPrefix ? REQUEST_PREFIX : 0),
              ),
            ({ bytes }) => {
              tally.add(
                decodeOrRefuse(bytes, (b) => decodeRequest(api, b), `${api.name} v${version} request`),
              )
            },
          ),
          { numRuns: runs(api, MUTATED_FRAME_RUNS_PER_API) },
        )
      }
      expect(tally.refused).toBeGreaterThan(0)
      expect(tally.decoded).toBeGreaterThan(0)
    })

    it('decodeResponse: mutated valid frames decode or throw ProtocolError', () => {
      const tally = new OutcomeTally()
      for (const version of versionsOf(api.response)) {
        fc.assert(
          fc.property(mutatedArbitrary(responseFrameArbitrary(api, version)), ({ bytes }) => {
            tally.add(
              decodeOrRefuse(
                bytes,
                (b) => decodeResponse(api, version, b),
                `${api.name} v${version} response`,
              ),
            )
          }),
          { numRuns: runs(api, MUTATED_FRAME_RUNS_PER_API) },
        )
      }
      expect(tally.refused).toBeGreaterThan(0)
      expect(tally.decoded).toBeGreaterThan(0)
    })

    it('rejects trailing bytes after a valid request or response body unless told to ignore them', () => {
      // Appending cannot change how the body before it is read, so a full read
      // always ends with bytes left over, which are refused by default.
      for (const version of versionsOf(api.request)) {
        fc.assert(
          fc.property(
            requestFrameArbitrary(api, version),
            responseFrameArbitrary(api, version),
            fc.uint8Array({ minLength: 1, maxLength: 16 }),
            (request, response, extra) => {
              expect(() => decodeRequest(api, request)).not.toThrow()
              expect(() => decodeResponse(api, version, response)).not.toThrow()
              const requestError = thrownBy(() => decodeRequest(api, Buffer.concat([request, extra])))
              expect(requestError).toBeInstanceOf(ProtocolError)
              expect((requestError as Error).message).toBe(
                `${api.name} v${version} request has ${extra.length} trailing bytes`,
              )
              // a broker asks to ignore them, as Kafka does: the same body, the leftover counted
              const lenient = decodeRequest(api, Buffer.concat([request, extra]), { trailingBytes: 'ignore' })
              expect(lenient.body).toEqual(decodeRequest(api, request).body)
              expect(lenient.trailingBytes).toBe(extra.length)
              const responseError = thrownBy(() =>
                decodeResponse(api, version, Buffer.concat([response, extra])),
              )
              expect(responseError).toBeInstanceOf(ProtocolError)
              expect((responseError as Error).message).toBe(
                `${api.name} v${version} response has ${extra.length} trailing bytes`,
              )
            },
          ),
          { numRuns: 4 },
        )
      }
    })

    it('refuses every truncation of a valid request or response frame', () => {
      for (const version of versionsOf(api.request)) {
        fc.assert(
          fc.property(
            requestFrameArbitrary(api, version),
            responseFrameArbitrary(api, version),
            (request, response) => {
              for (let cut = 0; cut < request.length; cut++) {
                const outcome = decodeOrRefuse(request.subarray(0, cut), (b) => decodeRequest(api, b))
                expect(outcome, `request cut at ${cut}: ${toHex(request)}`).toBe('refused')
              }
              for (let cut = 0; cut < response.length; cut++) {
                const outcome = decodeOrRefuse(response.subarray(0, cut), (b) =>
                  decodeResponse(api, version, b),
                )
                expect(outcome, `response cut at ${cut}: ${toHex(response)}`).toBe('refused')
              }
            },
          ),
          { numRuns: 2 },
        )
      }
    })

    it('refuses a request for another API key or an unsupported version with ProtocolError', () => {
      const { min, max } = parseVersionRange(api.request.validVersions)
      const valid = requestFrameArbitrary(api, max)
      fc.assert(
        fc.property(
          valid,
          fc.oneof(
            fc.integer({ min: -32768, max: min - 1 }),
            fc.integer({ min: max + 1, max: 32767 }),
            fc.constantFrom(-1, max + 1, 32767),
          ),
          fc.integer({ min: -32768, max: 32767 }).filter((k) => k !== api.key),
          (frame, badVersion, otherKey) => {
            const wrongVersion = Buffer.from(frame)
            wrongVersion.writeInt16BE(badVersion, 2)
            expect(() => decodeRequest(api, wrongVersion)).toThrow(ProtocolError)
            const wrongKey = Buffer.from(frame)
            wrongKey.writeInt16BE(otherKey, 0)
            expect(() => decodeRequest(api, wrongKey)).toThrow(ProtocolError)
          },
        ),
        { numRuns: 20 },
      )
      // the response side is told the version by the caller; one Sluice does not speak is refused too
      expect(() => decodeResponse(api, max + 1, Buffer.alloc(64))).toThrow(ProtocolError)
      expect(() => messageCodec(api.response, -1)).toThrow(ProtocolError)
    })
  },
)

describe('readRequestPrefix', () => {
  it('refuses any frame shorter than the 8-byte prefix and reads any longer one', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (frame) => {
        const outcome = decodeOrRefuse(frame, readRequestPrefix, 'readRequestPrefix')
        expect(outcome).toBe(frame.length < REQUEST_PREFIX ? 'refused' : 'decoded')
      }),
      { numRuns: 200 },
    )
  })
})
