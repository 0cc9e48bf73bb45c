import { expect } from 'vitest'

/**
 * The records every JavaScript client writes and reads back in the
 * compatibility suite, and the checks made on what comes back. Clients turn
 * these into their own message shapes and turn what they read into
 * `ReadRecord`s, so both files check exactly the same things.
 */

/** One record as the test produces it. */
export interface WorkloadRecord {
  /** Position in the produce order. */
  index: number
  key: Buffer
  /** Null is a tombstone. */
  value: Buffer | null
  headers: ReadonlyArray<readonly [string, Buffer]>
  /** Explicit create time, strictly increasing with `index`. */
  timestamp: number
}

/** One record as a client handed it back. */
export interface ReadRecord {
  partition: number
  offset: bigint
  key: Buffer | null
  value: Buffer | null
  headers: ReadonlyArray<readonly [string, Buffer | null]>
  timestamp: number
}

/** What was read, split by partition and checked; the basis for the offset checks. */
export interface CheckedPartitions {
  /** For each partition, the produced records it holds in offset order (offset = position). */
  byPartition: WorkloadRecord[][]
}

export const RECORD_COUNT = 10_000
export const PARTITION_COUNT = 3

/** Keys repeat so that several records of one key must keep their order in one partition. */
const DISTINCT_KEYS = 617

/**
 * A deterministic mixed workload: values of varied length (most compress well,
 * a few are incompressible noise, some are empty, a few are tombstones), three
 * headers per record including non-ASCII text and binary bytes, and
 * timestamps one millisecond apart starting at `firstTimestamp`.
 */
export function makeWorkload(label: string, firstTimestamp: number, count = RECORD_COUNT): WorkloadRecord[] {
  const records: WorkloadRecord[] = []
  let noise = 0x9e3779b9
  for (let i = 0; i < count; i++) {
    let value: Buffer | null
    if (i % 1999 === 7) value = null
    else if (i % 997 === 3) value = Buffer.alloc(0)
    else if (i % 101 === 0) {
      // xorshift noise: a value compression cannot shrink
      value = Buffer.alloc(64 + (i % 700))
      for (let b = 0; b < value.length; b++) {
        noise ^= noise << 13
        noise ^= noise >>> 17
        noise ^= noise << 5
        value[b] = noise & 0xff
      }
    } else {
      value = Buffer.from(
        `{"seq":${i},"client":"${label}","note":"généré ✓","pad":"${'abc'.repeat(i % 97)}"}`,
        'utf8',
      )
    }
    const binary = Buffer.from([i & 0xff, (i >> 8) & 0xff, 0x00, 0xff, 0x80])
    records.push({
      index: i,
      key: Buffer.from(`key-${i % DISTINCT_KEYS}`, 'utf8'),
      value,
      headers: [
        ['seq', Buffer.from(String(i), 'utf8')],
        ['origin', Buffer.from(`${label}/ünïcode`, 'utf8')],
        ['bin', binary],
      ],
      timestamp: firstTimestamp + i,
    })
  }
  return records
}

function describeRecord(r: {
  key: Buffer | null
  value: Buffer | null
  timestamp: number
  headers: ReadonlyArray<readonly [string, Buffer | null]>
}): string {
  const hex = (b: Buffer | null) => (b === null ? 'null' : b.toString('hex'))
  const headers = r.headers.map(([k, v]) => `${k}=${hex(v)}`).join(',')
  return `key=${hex(r.key)} value=${hex(r.value)} ts=${r.timestamp} headers=[${headers}]`
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b)
}

function sameContent(read: ReadRecord, source: WorkloadRecord): boolean {
  if (read.timestamp !== source.timestamp) return false
  if (!sameBytes(read.key, source.key) || !sameBytes(read.value, source.value)) return false
  if (read.headers.length !== source.headers.length) return false
  return read.headers.every(([k, v], i) => k === source.headers[i][0] && sameBytes(v, source.headers[i][1]))
}

/**
 * Checks what a client read against what was produced:
 * - every partition reads back as offsets 0, 1, 2, ... with no gap or repeat;
 * - every record of one key is in one partition (the client partitions by key);
 * - in each partition the records are exactly the produced records sent there,
 *   in produce order, with the same key, value, headers (in order) and
 *   timestamp; together the partitions hold every produced record once.
 * The failure message names the first difference rather than dumping 10,000
 * records.
 */
export function checkReadBack(
  produced: readonly WorkloadRecord[],
  read: readonly ReadRecord[],
  partitions = PARTITION_COUNT,
): CheckedPartitions {
  const readByPartition: ReadRecord[][] = Array.from({ length: partitions }, () => [])
  for (const r of read) {
    if (!(r.partition >= 0 && r.partition < partitions)) throw new Error(`read from partition ${r.partition}`)
    readByPartition[r.partition].push(r)
  }
  expect(read.length, 'records read').toBe(produced.length)

  const bySeq = new Map<number, WorkloadRecord>()
  for (const p of produced) bySeq.set(p.index, p)
  const keyPartition = new Map<string, number>()
  const byPartition: WorkloadRecord[][] = []
  for (let p = 0; p < partitions; p++) {
    const records = readByPartition[p]
    const matched: WorkloadRecord[] = []
    let lastIndex = -1
    for (let position = 0; position < records.length; position++) {
      const r = records[position]
      const where = `partition ${p} offset ${r.offset}`
      // expect() only on a mismatch: calling it 10,000 times per codec is measurable
      if (r.offset !== BigInt(position)) {
        expect(r.offset, `${where}: offsets must run 0, 1, 2, ...`).toBe(BigInt(position))
      }
      const seqHeader = r.headers.find(([k]) => k === 'seq')?.[1]
      const seq = seqHeader ? Number(seqHeader.toString('utf8')) : Number.NaN
      const source = bySeq.get(seq)
      if (!source)
        throw new Error(`${where}: no produced record (or a second copy) with seq ${String(seqHeader)}`)
      if (source.index <= lastIndex) {
        throw new Error(
          `${where}: record ${source.index} comes after record ${lastIndex}, out of produce order`,
        )
      }
      lastIndex = source.index
      if (!sameContent(r, source)) {
        expect(describeRecord(r), `${where}: content differs from record ${source.index}`).toBe(
          describeRecord(source),
        )
      }
      const key = source.key.toString('hex')
      const seen = keyPartition.get(key)
      if (seen !== undefined && seen !== p) {
        throw new Error(`key ${source.key.toString()} found in partitions ${seen} and ${p}`)
      }
      keyPartition.set(key, p)
      bySeq.delete(seq)
      matched.push(source)
    }
    byPartition.push(matched)
  }
  expect([...bySeq.keys()].slice(0, 10), 'produced records never read back').toEqual([])
  return { byPartition }
}

/**
 * The offset ListOffsets must give for `timestamp` in one partition: that of
 * the first record whose timestamp is at least `timestamp`, or -1 when there
 * is none (Kafka answers -1; some clients substitute the end offset).
 */
export function offsetForTimestamp(records: readonly WorkloadRecord[], timestamp: number): number {
  return records.findIndex((r) => r.timestamp >= timestamp)
}

/**
 * Timestamps worth asking about: before everything, the exact time of a record
 * in the middle, a time between two records of a partition (one millisecond
 * after a record, which with three partitions usually falls on another
 * partition's record), the last record's time, and after everything.
 */
export function timestampProbes(produced: readonly WorkloadRecord[]): number[] {
  const first = produced[0].timestamp
  const last = produced[produced.length - 1].timestamp
  const middle = produced[Math.floor(produced.length / 2)].timestamp
  return [first - 60_000, first, middle, middle + 1, last, last + 1]
}
