import { describe, expect, it } from 'vitest'
import { encodeRequest, encodeRequestParts } from '../../src/protocol/frames.js'
import { Apis } from '../../src/protocol/messages/index.js'
import { encodeRecordBatch } from '../../src/protocol/records/index.js'

describe('encodeRequestParts', () => {
  it('gives the same bytes as encodeRequest, with large batches passed by reference', () => {
    const big = encodeRecordBatch(Array.from({ length: 200 }, (_, i) => ({ value: Buffer.alloc(100, i) })))
    const small = encodeRecordBatch([{ value: Buffer.from('tiny') }])
    for (const version of [3, 8, 9]) {
      const body = {
        acks: -1,
        timeoutMs: 1000,
        topicData: [
          {
            name: 'a',
            partitionData: [
              { index: 0, records: big },
              { index: 1, records: small },
            ],
          },
          { name: 'b', partitionData: [{ index: 2, records: [big, small] }] },
        ],
      }
      const parts = encodeRequestParts(Apis.Produce, version, { correlationId: 7, clientId: 'c' }, body)
      expect(Buffer.concat(parts)).toEqual(
        encodeRequest(Apis.Produce, version, { correlationId: 7, clientId: 'c' }, body),
      )
      // the big batch travels as it is, twice; the small one is copied into the frame
      expect(parts.filter((p) => p === big)).toHaveLength(2)
      expect(parts).not.toContain(small)
    }
  })
})
