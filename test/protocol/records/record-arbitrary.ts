import fc from 'fast-check'
import { expect } from 'vitest'
import type { RecordBatch, RecordInput } from '../../../src/protocol/records/index.js'

/** The clock tests inject, so records without a timestamp get a known one. */
export const NOW = 1_700_000_000_000

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((u) => Buffer.from(u))
const nullableBytes = (maxLength: number) => fc.option(bytes(maxLength), { nil: null, freq: 4 })

const header = fc.record({ key: fc.string({ maxLength: 12, unit: 'grapheme' }), value: nullableBytes(24) })

const record = fc.record(
  {
    key: nullableBytes(40),
    value: nullableBytes(200),
    headers: fc.array(header, { maxLength: 4 }),
    // wide enough for deltas of either sign and of every varlong width up to 6 bytes
    timestamp: fc.integer({ min: 0, max: 2 ** 40 }),
  },
  { requiredKeys: ['value'] },
)

/** Records with random keys, values, headers, nulls, timestamps and (sometimes) offset gaps. */
export const recordsArbitrary = fc
  .tuple(
    fc.array(record, { minLength: 1, maxLength: 30 }),
    fc.option(fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 30, maxLength: 30 }), { nil: null }),
  )
  .map(([records, gaps]): RecordInput[] => {
    if (gaps === null) return records
    let delta = -1
    return records.map((r, i) => {
      delta += gaps[i]
      return { ...r, offsetDelta: delta }
    })
  })

/** Asserts a decoded batch holds exactly `input`, placed at `baseOffset`. */
export function expectRecords(batch: RecordBatch, input: readonly RecordInput[], baseOffset: bigint): void {
  expect(batch.recordCount).toBe(input.length)
  expect(batch.records).toHaveLength(input.length)
  input.forEach((expected, i) => {
    const actual = batch.records[i]
    expect(actual.offset).toBe(Number(baseOffset) + (expected.offsetDelta ?? i))
    expect(actual.timestamp).toBe(expected.timestamp ?? NOW)
    expect(actual.key).toEqual(expected.key ?? null)
    expect(actual.value).toEqual(expected.value)
    expect(actual.headers).toEqual(expected.headers ?? [])
  })
}
