import type { RecordInput } from '../../src/protocol/records/index.js'
import type { KafkajsMessage, PlatformaticMessage } from './third-party.js'

/**
 * The records every protocol benchmark moves: 1 MiB of 100-byte values, each
 * with a 10-byte key and one small header, as a producer of JSON events would
 * send them. Values are generated text rather than random bytes, so lz4 has
 * something realistic to compress (roughly 2-3x), and rather than constant
 * bytes, which would flatter it.
 */

export const VALUE_BYTES = 100
export const KEY_BYTES = 10
export const RECORD_COUNT = Math.ceil((1024 * 1024) / VALUE_BYTES)
export const HEADER_KEY = 'trace'
export const BASE_TIMESTAMP = 1_700_000_000_000
/** @platformatic/kafka takes the topic on each message. */
export const TOPIC = 'bench-topic'

/** One record in the shape every check compares against. */
export interface ExpectedRecord {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: [string, Buffer | null][]
}

export interface Workload {
  count: number
  sluice: RecordInput[]
  kafkajs: KafkajsMessage[]
  platformatic: PlatformaticMessage[]
  /** The records as any decoder must return them from a batch at `baseOffset`. */
  expected(baseOffset: number): ExpectedRecord[]
  /** Sum of key, value and header bytes: the payload the batch carries. */
  payloadBytes: number
}

function valueFor(i: number): Buffer {
  const text =
    `{"id":${i},"user":"u${(i * 7919) % 100_000}","amount":${((i * 104_729) % 1_000_000) / 100},` +
    `"currency":"EUR","ok":${i % 7 !== 0}}`
  return Buffer.from(text.padEnd(VALUE_BYTES, ' ').slice(0, VALUE_BYTES))
}

export function createWorkload(): Workload {
  const keys: Buffer[] = []
  const values: Buffer[] = []
  const traces: Buffer[] = []
  const timestamps: number[] = []
  let payloadBytes = 0
  for (let i = 0; i < RECORD_COUNT; i++) {
    const key = Buffer.from(`user-${String(i % 100_000).padStart(KEY_BYTES - 5, '0')}`)
    const trace = Buffer.alloc(8)
    trace.writeBigUInt64BE((BigInt(i) * 0x9e3779b97f4a7c15n) & 0xffff_ffff_ffff_ffffn)
    keys.push(key)
    values.push(valueFor(i))
    traces.push(trace)
    // a few milliseconds apart, so timestamp deltas take more than one varint byte
    timestamps.push(BASE_TIMESTAMP + i * 3)
    payloadBytes += key.length + VALUE_BYTES + HEADER_KEY.length + trace.length
  }
  if (keys.some((k) => k.length !== KEY_BYTES)) throw new Error('workload keys must be 10 bytes')
  return {
    count: RECORD_COUNT,
    payloadBytes,
    sluice: keys.map((key, i) => ({
      key,
      value: values[i],
      headers: [{ key: HEADER_KEY, value: traces[i] }],
      timestamp: timestamps[i],
    })),
    kafkajs: keys.map((key, i) => ({
      key,
      value: values[i],
      headers: { [HEADER_KEY]: traces[i] },
      timestamp: timestamps[i],
    })),
    platformatic: keys.map((key, i) => ({
      topic: TOPIC,
      partition: 0,
      key,
      value: values[i],
      headers: new Map([[Buffer.from(HEADER_KEY), traces[i]]]),
      timestamp: BigInt(timestamps[i]),
    })),
    expected: (baseOffset) =>
      keys.map((key, i) => ({
        offset: baseOffset + i,
        timestamp: timestamps[i],
        key,
        value: values[i],
        headers: [[HEADER_KEY, traces[i]]],
      })),
  }
}
