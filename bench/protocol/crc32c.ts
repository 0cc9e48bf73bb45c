import { crc32c } from '../../src/protocol/records/index.js'
import {
  type BenchCase,
  groupedRows,
  RATIO_NOTE,
  ratioCell,
  runComparison,
  spreadCell,
} from '../support/comparison.js'
import type { MeasureOptions } from '../support/measure.js'
import { formatDuration, type Table } from '../support/table.js'
import type { Kafkajs, Platformatic } from './third-party.js'
import { check } from './verify.js'

/** Area 2: CRC32C over a 1 MiB buffer, the checksum of every magic 2 batch. */

const BUFFER_BYTES = 1024 * 1024
/** The published check value of CRC-32C: the checksum of the ASCII digits "123456789". */
const CHECK_INPUT = Buffer.from('123456789')
const CHECK_VALUE = 0xe3069283

/** Deterministic bytes with no pattern a checksum could shortcut. */
function noise(bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes)
  let state = 0x2545f491
  for (let i = 0; i < bytes; i++) {
    // xorshift32
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    out[i] = state & 0xff
  }
  return out
}

export async function benchCrc32c(
  kafkajs: Kafkajs,
  platformatic: Platformatic,
  options: MeasureOptions,
): Promise<Table> {
  const data = noise(BUFFER_BYTES)
  const implementations: [string, (b: Buffer) => number][] = [
    ['Sluice crc32c (native @node-rs/crc32)', (b) => crc32c(b)],
    [`kafkajs ${kafkajs.version} crc32C (JavaScript table)`, (b) => kafkajs.crc32C(b)],
    [
      `@platformatic/kafka ${platformatic.version} crc32c (${platformatic.crc32cImplementation})`,
      (b) => platformatic.crc32c(b),
    ],
    [`@platformatic/kafka ${platformatic.version} WASM fallback`, (b) => platformatic.wasmCrc32c(b)],
  ]
  const reference = crc32c(data)
  for (const [name, fn] of implementations) {
    const value = fn(CHECK_INPUT) >>> 0
    check(value === CHECK_VALUE, `${name} gives 0x${value.toString(16)} for "123456789"`)
    check(fn(data) >>> 0 === reference, `${name} disagrees with Sluice on the 1 MiB buffer`)
  }

  const group = 'crc32c 1 MiB'
  const cases: BenchCase[] = implementations.map(([name, fn]) => ({ group, name, fn: () => fn(data) }))
  const results = await runComparison(cases, options)
  return {
    title: 'CRC32C over a 1 MiB buffer',
    columns: [
      { header: 'implementation' },
      { header: 'GB/s', align: 'right' },
      { header: 'per MiB', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'ratio', align: 'right' },
    ],
    rows: groupedRows(results, (r) => [
      r.bench.name,
      ((r.measurement.opsPerSecond * BUFFER_BYTES) / 1e9).toFixed(2),
      formatDuration(1000 / r.measurement.opsPerSecond),
      spreadCell(r),
      ratioCell(r),
    ]),
    notes: [
      RATIO_NOTE,
      'GB/s is 10^9 bytes per second. Verified before timing: all give 0xe3069283 for "123456789" and agree',
      '  on the buffer. @platformatic/kafka uses @node-rs/crc32 when that optional dependency is installed',
      '  (it is here, as a dependency of Sluice), copying its input into a new Uint8Array first; without it,',
      '  its WASM implementation.',
    ],
  }
}
