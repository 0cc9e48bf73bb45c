import type { DecodedRecord } from '../../src/protocol/records/index.js'
import type { KafkajsRecord, PlatformaticBatch } from './third-party.js'
import type { ExpectedRecord } from './workload.js'

/**
 * Correctness checks run once before anything is timed, so that a codec that
 * drops records or garbles them can never show up in a table as fast. Each
 * library's decoded output is brought into one shape and compared with the
 * workload record by record: offset, timestamp, key, value and headers.
 */

export function fromSluice(records: readonly DecodedRecord[]): ExpectedRecord[] {
  return records.map((r) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key,
    value: r.value,
    headers: r.headers.map((h): [string, Buffer | null] => [h.key, h.value]),
  }))
}

export function fromKafkajs(records: readonly KafkajsRecord[]): ExpectedRecord[] {
  return records.map((r) => ({
    offset: Number(r.offset),
    timestamp: Number(r.timestamp),
    key: r.key,
    value: r.value,
    headers: Object.entries(r.headers).flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map((v): [string, Buffer | null] => [key, v]),
    ),
  }))
}

/** Its decoder leaves offsets and timestamps as deltas; the consumer adds the batch base later. */
export function fromPlatformatic(batches: readonly PlatformaticBatch[]): ExpectedRecord[] {
  return batches.flatMap((batch) =>
    batch.records.map((r) => ({
      offset: Number(batch.firstOffset + BigInt(r.offsetDelta)),
      timestamp: Number(batch.firstTimestamp + r.timestampDelta),
      key: r.key,
      value: r.value,
      headers: r.headers.map(([key, value]): [string, Buffer | null] => [key?.toString() ?? '', value]),
    })),
  )
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b
  return Buffer.compare(a, b) === 0
}

function describe(r: ExpectedRecord): string {
  return JSON.stringify({
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key?.toString('latin1') ?? null,
    value: r.value?.toString('latin1') ?? null,
    headers: r.headers.map(([k, v]) => [k, v?.toString('hex') ?? null]),
  })
}

/** Throws, naming `what` and the first differing record, unless the records match exactly. */
export function checkRecords(
  what: string,
  actual: readonly ExpectedRecord[],
  expected: readonly ExpectedRecord[],
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: decoded ${actual.length} records, expected ${expected.length}`)
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]
    const e = expected[i]
    const same =
      a.offset === e.offset &&
      a.timestamp === e.timestamp &&
      sameBytes(a.key, e.key) &&
      sameBytes(a.value, e.value) &&
      a.headers.length === e.headers.length &&
      a.headers.every(([k, v], j) => k === e.headers[j][0] && sameBytes(v, e.headers[j][1]))
    if (!same) {
      throw new Error(`${what}: record ${i} differs\n  got      ${describe(a)}\n  expected ${describe(e)}`)
    }
  }
}

export function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`verification failed: ${message}`)
}
