import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { errorResponseFor, errorResponses } from '../../../src/broker/faults/error-responses.js'
import { brokerHandlers } from '../../../src/broker/handlers/index.js'
import { ErrorCode } from '../../../src/protocol/error-codes.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../src/protocol/frames.js'
import { Apis } from '../../../src/protocol/messages/index.js'
import { type FieldSpec, inVersionRange } from '../../../src/protocol/schema.js'
import { messageArbitrary } from '../../protocol/support/message-arbitrary.js'

/**
 * The error-response table of fault injection: one builder per API the
 * broker serves, and each builder's answer to any request, at every version
 * served, encodes, decodes, and carries the injected code in every error
 * field it has; a request that names something gets the code somewhere.
 */

const CODE = ErrorCode.NOT_LEADER_OR_FOLLOWER
const MESSAGE = 'injected'

/** Every errorCode field the version has, anywhere in a decoded message. */
function errorCodes(
  fields: readonly FieldSpec[],
  value: unknown,
  version: number,
  out: number[] = [],
): number[] {
  const struct = value as Record<string, unknown>
  for (const field of fields) {
    if (!inVersionRange(version, field.versions)) continue
    const v = struct[field.name]
    if (field.name === 'errorCode') out.push(v as number)
    else if (field.fields && v !== null) {
      for (const item of Array.isArray(v) ? v : [v]) errorCodes(field.fields, item, version, out)
    }
  }
  return out
}

/** A request that names one of everything: every list holds one entry, every nullable field a value. */
function oneOfEverything(fields: readonly FieldSpec[], version: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    if (!inVersionRange(version, field.versions)) continue
    const element = field.type.startsWith('[]') ? field.type.slice(2) : field.type
    const one = field.fields ? oneOfEverything(field.fields, version) : sample(element)
    out[field.name] = field.type.startsWith('[]') ? [one] : one
  }
  return out
}

function sample(type: string): unknown {
  switch (type) {
    case 'bool':
      return true
    case 'int64':
      return 1n
    case 'string':
      return 'x'
    case 'bytes':
    case 'records':
      return Buffer.alloc(0)
    case 'uuid':
      return '00000000-0000-0000-0000-000000000001'
    default:
      return 1
  }
}

describe('fault injection: error responses', () => {
  it('has a builder for every API the broker serves', () => {
    for (const handler of brokerHandlers) expect(errorResponses).toHaveProperty(handler.api.name)
  })

  for (const handler of brokerHandlers) {
    const api = handler.api
    it(`${api.name}: answers any request at v${handler.minVersion}-${handler.maxVersion} with the code where Kafka puts it`, () => {
      for (let version = handler.minVersion; version <= handler.maxVersion; version++) {
        fc.assert(
          fc.property(messageArbitrary(api.request, version), (input) => {
            const frame = encodeRequest(api, version, { correlationId: 7, clientId: 'test' }, input as never)
            const { body } = decodeRequest(api, frame.subarray(4))
            const response = errorResponseFor(api, body, { errorCode: CODE, message: MESSAGE, version })
            if (response === null) {
              // only a produce that wants no answer gets none
              expect(api.key).toBe(Apis.Produce.key)
              expect((body as { acks: number }).acks).toBe(0)
              return
            }
            const encoded = encodeResponse(api, version, 7, response)
            const decoded = decodeResponse(api, version, encoded.subarray(4))
            expect(decoded.correlationId).toBe(7)
            for (const code of errorCodes(api.response.fields, decoded.body, version)) expect(code).toBe(CODE)
          }),
          { numRuns: 15, seed: 20_260_505 + api.key * 100 + version },
        )
        // and a request naming something gets the code somewhere
        const full = encodeRequest(
          api,
          version,
          { correlationId: 8 },
          oneOfEverything(api.request.fields, version) as never,
        )
        const response = errorResponseFor(api, decodeRequest(api, full.subarray(4)).body, {
          errorCode: CODE,
          message: MESSAGE,
          version,
        })
        const decoded = decodeResponse(api, version, encodeResponse(api, version, 8, response!).subarray(4))
        expect(errorCodes(api.response.fields, decoded.body, version), `v${version}`).toContain(CODE)
      }
    })
  }

  it('puts the code on every partition of a produce and echoes the partitions', () => {
    const body = decodeRequest(
      Apis.Produce,
      encodeRequest(
        Apis.Produce,
        9,
        { correlationId: 1 },
        {
          acks: -1,
          timeoutMs: 1000,
          topicData: [
            {
              name: 'a',
              partitionData: [
                { index: 0, records: null },
                { index: 3, records: null },
              ],
            },
            { name: 'b', partitionData: [{ index: 1, records: null }] },
          ],
        },
      ).subarray(4),
    ).body
    const response = errorResponses.Produce(body, { errorCode: CODE, message: MESSAGE, version: 9 })
    expect(response?.responses?.map((t) => [t.name, t.partitionResponses?.map((p) => p.index)])).toEqual([
      ['a', [0, 3]],
      ['b', [1]],
    ])
    expect(response?.responses?.[0].partitionResponses?.[0]).toMatchObject({
      errorCode: CODE,
      baseOffset: -1n,
      errorMessage: MESSAGE,
    })
  })

  it('answers Fetch from v13 with the top-level code alone, as Kafka does', () => {
    const request = (version: number) =>
      decodeRequest(
        Apis.Fetch,
        encodeRequest(
          Apis.Fetch,
          version,
          { correlationId: 1 },
          {
            maxWaitMs: 0,
            minBytes: 1,
            topics: [
              {
                topic: 't',
                topicId: '00000000-0000-0000-0000-000000000001',
                partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 }],
              },
            ],
          },
        ).subarray(4),
      ).body
    const v12 = errorResponses.Fetch(request(12), { errorCode: CODE, message: MESSAGE, version: 12 })
    expect(v12?.errorCode).toBe(CODE)
    expect(v12?.responses?.[0].partitions?.[0].errorCode).toBe(CODE)
    const v13 = errorResponses.Fetch(request(13), { errorCode: CODE, message: MESSAGE, version: 13 })
    expect(v13?.errorCode).toBe(CODE)
    expect(v13?.responses).toEqual([])
  })
})
