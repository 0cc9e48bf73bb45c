import { createRequire } from 'node:module'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CompressionType,
  decodeRecordBatch,
  encodeRecordBatch,
  type RecordHeaderInput,
  type RecordInput,
} from '../../../src/protocol/records/index.js'
import { expectRecords } from './record-arbitrary.js'

// kafkajs is CommonJS and its record batch code is internal, so it is loaded by path
const require = createRequire(import.meta.url)
const KafkajsDecoder = require('kafkajs/src/protocol/decoder')
const decodeKafkajsBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder')
const { RecordBatch: encodeKafkajsBatch } = require('kafkajs/src/protocol/recordBatch/v0')
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0')

interface KafkajsRecord {
  offset: string
  timestamp: string
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, Buffer | Buffer[]>
}

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((u) => Buffer.from(u))

// kafkajs folds headers into an object (repeated keys become arrays), so keys
// that name Object.prototype members would be misread by kafkajs itself
const headerKey = fc.string({ maxLength: 10, unit: 'grapheme' }).filter((key) => !(key in Object.prototype))

function crossCheckRecords(nullHeaderValues: boolean) {
  const headerValue = nullHeaderValues ? fc.option(bytes(20), { nil: null }) : bytes(20)
  const header = fc.record({ key: headerKey, value: headerValue })
  const record = fc.record({
    key: fc.option(bytes(30), { nil: null }),
    value: fc.option(bytes(150), { nil: null }),
    headers: fc.array(header, { maxLength: 3 }),
    timestamp: fc.integer({ min: 1_500_000_000_000, max: 1_800_000_000_000 }),
  })
  return fc.array(record, { minLength: 1, maxLength: 25 })
}

/** The object kafkajs builds from a header list. */
function kafkajsHeaders(headers: readonly RecordHeaderInput[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const { key, value } of headers) {
    const existing = out[key]
    out[key] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return out
}

/** The header list kafkajs writes for a record: grouped by key, in object key order. */
function kafkajsWireHeaders(headers: readonly RecordHeaderInput[]): RecordHeaderInput[] {
  const grouped = kafkajsHeaders(headers)
  return Object.keys(grouped).flatMap((key) => {
    const value = grouped[key]
    return (Array.isArray(value) ? value : [value]).map((v) => ({ key, value: v as Buffer }))
  })
}

async function kafkajsDecode(batch: Buffer): Promise<{ firstOffset: string; records: KafkajsRecord[] }> {
  return decodeKafkajsBatch(new KafkajsDecoder(batch))
}

async function kafkajsEncode(records: RecordInput[], compression: CompressionType, baseOffset: bigint) {
  const timestamps = records.map((r) => r.timestamp as number)
  const encoded = records.map((r, i) =>
    KafkajsRecord({
      offsetDelta: i,
      timestampDelta: timestamps[i] - timestamps[0],
      key: r.key,
      value: r.value,
      headers: kafkajsHeaders(r.headers ?? []),
    }),
  )
  const batch = await encodeKafkajsBatch({
    compression,
    firstOffset: baseOffset.toString(),
    firstTimestamp: timestamps[0],
    maxTimestamp: Math.max(...timestamps),
    lastOffsetDelta: records.length - 1,
    records: encoded,
  })
  return batch.buffer as Buffer
}

describe.each([
  ['uncompressed', CompressionType.None],
  ['gzip', CompressionType.Gzip],
] as const)('cross-check with kafkajs (%s)', (_name, compression) => {
  it('kafkajs decodes the batches we encode to the same records', async () => {
    await fc.assert(
      fc.asyncProperty(
        crossCheckRecords(true),
        fc.bigInt({ min: 0n, max: 2n ** 40n }),
        async (records, base) => {
          const batch = encodeRecordBatch(records, { compression, baseOffset: base })
          const decoded = await kafkajsDecode(batch)
          expect(decoded.firstOffset).toBe(base.toString())
          expect(decoded.records).toHaveLength(records.length)
          records.forEach((expected, i) => {
            const actual = decoded.records[i]
            expect(actual.offset).toBe((base + BigInt(i)).toString())
            expect(actual.timestamp).toBe(String(expected.timestamp))
            expect(actual.key).toEqual(expected.key)
            expect(actual.value).toEqual(expected.value)
            expect(actual.headers).toEqual(kafkajsHeaders(expected.headers ?? []))
          })
        },
      ),
      { numRuns: 40 },
    )
  })

  it('we decode the batches kafkajs encodes, CRC included', async () => {
    await fc.assert(
      fc.asyncProperty(
        crossCheckRecords(false),
        fc.bigInt({ min: 0n, max: 2n ** 40n }),
        async (records, base) => {
          const batch = await kafkajsEncode(records, compression, base)
          const decoded = decodeRecordBatch(batch)
          expect(decoded.compression).toBe(compression)
          const wire = records.map((r) => ({ ...r, headers: kafkajsWireHeaders(r.headers ?? []) }))
          expectRecords(decoded, wire, base)
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe('byte-level agreement with kafkajs', () => {
  it('agrees byte for byte with kafkajs on an uncompressed batch with the same header fields', async () => {
    const records: RecordInput[] = [
      {
        key: Buffer.from('k'),
        value: Buffer.from('v1'),
        headers: [{ key: 'h', value: Buffer.from('x') }],
        timestamp: 1000,
      },
      { key: null, value: null, timestamp: 1005 },
    ]
    const theirs = await kafkajsEncode(records, CompressionType.None, 0n)
    // kafkajs writes partitionLeaderEpoch 0, producerEpoch 0 and baseSequence 0 by default
    const ours = encodeRecordBatch(records, { partitionLeaderEpoch: 0, producerEpoch: 0, baseSequence: 0 })
    expect(ours).toEqual(theirs)
  })
})
