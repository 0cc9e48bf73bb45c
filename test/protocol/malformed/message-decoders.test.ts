import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeMessage, messageCodec } from '../../../src/protocol/codec.js'
import { allApis } from '../../../src/protocol/messages/index.js'
import { ProtocolError } from '../../../src/protocol/protocol-error.js'
import { Reader } from '../../../src/protocol/reader.js'
import type { MessageSpec } from '../../../src/protocol/schema.js'
import { messageArbitrary, versionsOf } from '../support/message-arbitrary.js'
import { mutatedArbitrary } from './mutation.js'
import { crashError, decodeOrRefuse, OutcomeTally, toHex } from './refusal.js'

/*
 * Every body decoder of every API, at every version, fed bytes it was never
 * meant to read. The only acceptable outcomes are a decoded value or a
 * ProtocolError: anything else (RangeError, TypeError, ERR_OUT_OF_RANGE from a
 * Buffer read past the end) would escape the connection's error handling.
 *
 * Runs are budgeted per message and spread over its versions, with a floor per
 * version, so APIs with a dozen versions are not tested more thinly per version
 * than it takes to reach their deeper fields.
 */
const RANDOM_RUNS_PER_MESSAGE = 200
const MUTATED_RUNS_PER_MESSAGE = 300
const MIN_RUNS_PER_VERSION = 20
const TRUNCATED_VALUES_PER_VERSION = 3

function runsPerVersion(spec: MessageSpec, budget: number): number {
  return Math.max(MIN_RUNS_PER_VERSION, Math.ceil(budget / versionsOf(spec).length))
}

function decodeBody(spec: MessageSpec, version: number, bytes: Buffer): unknown {
  return messageCodec(spec, version).decode(new Reader(bytes))
}

/** A valid encoding of a random value of `spec` at `version`. */
function encodedArbitrary(spec: MessageSpec, version: number): fc.Arbitrary<Buffer> {
  return messageArbitrary(spec, version).map((value) => encodeMessage(spec, version, value))
}

/** Bytes placed inside a larger buffer whose surroundings are 0xff, read through a window. */
function decodeInWindow(spec: MessageSpec, version: number, bytes: Buffer): unknown {
  const padded = Buffer.alloc(bytes.length + 16, 0xff)
  bytes.copy(padded, 8)
  return messageCodec(spec, version).decode(new Reader(padded, 8, 8 + bytes.length))
}

const sides = (api: (typeof allApis)[number]) =>
  [
    ['request', api.request],
    ['response', api.response],
  ] as const

describe.each(allApis.map((api) => [api.name, api] as const))(
  '%s decoders on malformed input',
  (_name, api) => {
    for (const [side, spec] of sides(api)) {
      it(`${side}: random bytes decode or throw ProtocolError, every version`, () => {
        const tally = new OutcomeTally()
        for (const version of versionsOf(spec)) {
          fc.assert(
            fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
              tally.add(
                decodeOrRefuse(input, (b) => decodeBody(spec, version, b), `${spec.name} v${version}`),
              )
            }),
            { numRuns: runsPerVersion(spec, RANDOM_RUNS_PER_MESSAGE) },
          )
        }
        expect(tally.total).toBeGreaterThanOrEqual(RANDOM_RUNS_PER_MESSAGE)
      })

      it(`${side}: mutated valid encodings decode or throw ProtocolError, the same inside a larger buffer`, () => {
        const tally = new OutcomeTally()
        for (const version of versionsOf(spec)) {
          fc.assert(
            fc.property(mutatedArbitrary(encodedArbitrary(spec, version)), ({ bytes }) => {
              const what = `${spec.name} v${version}`
              const outcome = decodeOrRefuse(bytes, (b) => decodeBody(spec, version, b), what)
              tally.add(outcome)
              // the reader's window, not the buffer's length, must bound every read
              let windowed: unknown
              try {
                windowed = decodeInWindow(spec, version, bytes)
              } catch (error) {
                if (!(error instanceof ProtocolError)) throw crashError(bytes, error, `${what} (windowed)`)
                expect(outcome, `windowed read refused what a plain read decoded: ${toHex(bytes)}`).toBe(
                  'refused',
                )
                return
              }
              expect(outcome, `windowed read decoded what a plain read refused: ${toHex(bytes)}`).toBe(
                'decoded',
              )
              expect(windowed).toEqual(decodeBody(spec, version, bytes))
            }),
            { numRuns: runsPerVersion(spec, MUTATED_RUNS_PER_MESSAGE) },
          )
        }
        // the mutations reach both outcomes: some damage is harmless, some is caught
        expect(tally.refused).toBeGreaterThan(0)
        expect(tally.decoded).toBeGreaterThan(0)
      })

      it(`${side}: every truncation of a valid encoding throws ProtocolError`, () => {
        // A decoder reads the same bytes in the same order whatever follows them,
        // and a full decode consumes the whole encoding, so any strict prefix
        // must run out: decoding one successfully would mean it misread a field.
        for (const version of versionsOf(spec)) {
          fc.assert(
            fc.property(encodedArbitrary(spec, version), (encoded) => {
              for (let cut = 0; cut < encoded.length; cut++) {
                const prefix = Buffer.from(encoded.subarray(0, cut))
                const outcome = decodeOrRefuse(
                  prefix,
                  (b) => decodeBody(spec, version, b),
                  `${spec.name} v${version}`,
                )
                expect(outcome, `prefix of ${cut}/${encoded.length} bytes decoded: ${toHex(encoded)}`).toBe(
                  'refused',
                )
              }
            }),
            { numRuns: TRUNCATED_VALUES_PER_VERSION },
          )
        }
      })
    }
  },
)
