import { createRequire } from 'node:module'
import {
  CompressionType,
  compressionCodec,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  decodeRecordBatch,
  decodeRecordBatchAsync,
  encodeRecordBatch,
  encodeRecordBatchAsync,
} from '../../src/protocol/records/index.js'
import {
  type BenchCase,
  groupedRows,
  RATIO_NOTE,
  ratioCell,
  runComparison,
  spreadCell,
} from '../support/comparison.js'
import type { MeasureOptions } from '../support/measure.js'
import { formatBytes, formatDuration, formatInteger, formatSi, type Table } from '../support/table.js'
import type { Kafkajs, KafkajsMessage, Platformatic } from './third-party.js'
import { check, checkRecords, fromKafkajs, fromPlatformatic, fromSluice } from './verify.js'
import { KEY_BYTES, VALUE_BYTES, type Workload } from './workload.js'

/**
 * Area 1: one 1 MiB record batch encoded from records and decoded back to
 * records, uncompressed and with lz4, by each library's batch codec.
 */

type Compression = 'none' | 'lz4'
const COMPRESSIONS: readonly Compression[] = ['none', 'lz4']
const SLUICE_TYPE = { none: CompressionType.None, lz4: CompressionType.Lz4 } as const

/**
 * Registers Sluice's own lz4 decompression as kafkajs's lz4 codec until the
 * returned function is called, for a row where both libraries do the same lz4
 * work (Sluice decodes the blocks of a frame directly rather than through
 * lz4-napi's slower frame decoder).
 */
function useSluiceLz4InKafkajs(kafkajs: Kafkajs): () => void {
  const root = createRequire(import.meta.url)('kafkajs') as {
    CompressionCodecs: Record<number, () => { decompress(buffer: Buffer): Promise<Buffer> }>
  }
  const type = kafkajs.compressionTypes.LZ4
  const registered = root.CompressionCodecs[type]
  const lz4 = compressionCodec(CompressionType.Lz4)
  root.CompressionCodecs[type] = () => ({
    ...registered(),
    decompress: async (buffer: Buffer) => lz4.decompress(buffer, DEFAULT_MAX_DECOMPRESSED_BYTES),
  })
  return () => {
    root.CompressionCodecs[type] = registered
  }
}

/**
 * What the kafkajs producer does per partition: serialise each message into a
 * Record encoder, then wrap them in a batch (requests/produce/v3+ request.js).
 */
async function kafkajsEncode(kafkajs: Kafkajs, messages: readonly KafkajsMessage[], type: number) {
  const firstTimestamp = messages[0].timestamp
  let maxTimestamp = firstTimestamp
  const records = new Array(messages.length)
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]
    if (m.timestamp > maxTimestamp) maxTimestamp = m.timestamp
    records[i] = kafkajs.Record({
      key: m.key,
      value: m.value,
      headers: m.headers,
      offsetDelta: i,
      timestampDelta: m.timestamp - firstTimestamp,
    })
  }
  const batch = await kafkajs.RecordBatch({
    compression: type,
    records,
    firstTimestamp,
    maxTimestamp,
    lastOffsetDelta: messages.length - 1,
  })
  return batch.buffer
}

export async function benchRecordBatches(
  workload: Workload,
  kafkajs: Kafkajs,
  platformatic: Platformatic,
  options: MeasureOptions,
): Promise<Table> {
  const kafkajsName = `kafkajs ${kafkajs.version}`
  const platformaticName = `@platformatic/kafka ${platformatic.version}`
  const kafkajsType = { none: kafkajs.compressionTypes.None, lz4: kafkajs.compressionTypes.LZ4 }
  const expected = workload.expected(0)

  const encoders = {
    sluice: (c: Compression) => encodeRecordBatch(workload.sluice, { compression: SLUICE_TYPE[c] }),
    sluiceAsync: (c: Compression) => encodeRecordBatchAsync(workload.sluice, { compression: SLUICE_TYPE[c] }),
    kafkajs: (c: Compression) => kafkajsEncode(kafkajs, workload.kafkajs, kafkajsType[c]),
    platformatic: (c: Compression) =>
      platformatic.createRecordsBatch(workload.platformatic, { compression: c }).buffer,
  }
  const decoders = {
    sluice: (batch: Buffer) => decodeRecordBatch(batch),
    sluiceAsync: (batch: Buffer) => decodeRecordBatchAsync(batch),
    sluiceNoCrc: (batch: Buffer) => decodeRecordBatch(batch, 0, { verifyCrc: false }),
    kafkajs: (batch: Buffer) => kafkajs.decodeRecordBatch(new kafkajs.Decoder(batch)),
    platformatic: (batch: Buffer) => platformatic.readRecordsBatch(platformatic.readerFrom(batch)),
  }
  const withLz4Napi = <T>(fn: () => T): T => {
    const restore = platformatic.useLz4Napi()
    try {
      return fn()
    } finally {
      restore()
    }
  }

  // Every encoder's batch must decode to the workload under every library's
  // decoder (Sluice's also checks the CRC), and every decoder must read
  // Sluice's batch back exactly.
  const sizes: Record<Compression, Record<string, number>> = { none: {}, lz4: {} }
  for (const c of COMPRESSIONS) {
    const produced: [string, Buffer][] = [
      ['Sluice', encoders.sluice(c)],
      ['Sluice async', await encoders.sluiceAsync(c)],
      [kafkajsName, await encoders.kafkajs(c)],
      [platformaticName, encoders.platformatic(c)],
    ]
    if (c === 'lz4')
      produced.push([`${platformaticName} + lz4-napi`, withLz4Napi(() => encoders.platformatic(c))])
    check(produced[0][1].equals(produced[1][1]), `Sluice sync and async ${c} batches differ`)
    for (const [name, batch] of produced) {
      sizes[c][name] = batch.length
      const label = `${name} ${c} batch`
      checkRecords(`${label} decoded by Sluice`, fromSluice(decoders.sluice(batch).records), expected)
      checkRecords(
        `${label} decoded by kafkajs`,
        fromKafkajs((await decoders.kafkajs(batch)).records),
        expected,
      )
      checkRecords(
        `${label} decoded by ${platformaticName}`,
        fromPlatformatic([decoders.platformatic(batch)]),
        expected,
      )
    }
    const batch = produced[0][1]
    checkRecords(
      `Sluice async decode ${c}`,
      fromSluice((await decoders.sluiceAsync(batch)).records),
      expected,
    )
    checkRecords(`Sluice decode ${c} without CRC`, fromSluice(decoders.sluiceNoCrc(batch).records), expected)
    if (c === 'lz4') {
      const viaNapi = withLz4Napi(() => decoders.platformatic(batch))
      checkRecords(`${platformaticName} + lz4-napi decode`, fromPlatformatic([viaNapi]), expected)
      const restore = useSluiceLz4InKafkajs(kafkajs)
      try {
        const viaSluiceLz4 = await decoders.kafkajs(batch)
        checkRecords(`${kafkajsName} + Sluice's lz4 decode`, fromKafkajs(viaSluiceLz4.records), expected)
      } finally {
        restore()
      }
    }
  }

  const cases: BenchCase[] = []
  for (const c of COMPRESSIONS) {
    const group = `encode ${c}`
    cases.push(
      { group, name: 'Sluice encodeRecordBatch', fn: () => encoders.sluice(c) },
      { group, name: 'Sluice encodeRecordBatchAsync', fn: () => encoders.sluiceAsync(c) },
      { group, name: `${kafkajsName} Record + RecordBatch`, fn: () => encoders.kafkajs(c) },
      {
        group,
        name: `${platformaticName} createRecordsBatch${c === 'lz4' ? ' (its WASM lz4)' : ''}`,
        fn: () => encoders.platformatic(c),
      },
    )
    if (c === 'lz4') {
      let restore = () => {}
      cases.push({
        group,
        name: `${platformaticName} createRecordsBatch + lz4-napi`,
        fn: () => encoders.platformatic(c),
        setup: () => {
          restore = platformatic.useLz4Napi()
        },
        teardown: () => restore(),
      })
    }
  }
  for (const c of COMPRESSIONS) {
    const group = `decode ${c}`
    const batch = encoders.sluice(c)
    cases.push(
      { group, name: 'Sluice decodeRecordBatch', fn: () => decoders.sluice(batch) },
      { group, name: 'Sluice decodeRecordBatchAsync', fn: () => decoders.sluiceAsync(batch) },
      { group, name: 'Sluice decodeRecordBatch, verifyCrc: false', fn: () => decoders.sluiceNoCrc(batch) },
      { group, name: `${kafkajsName} RecordBatch decoder`, fn: () => decoders.kafkajs(batch) },
      {
        group,
        name: `${platformaticName} readRecordsBatch${c === 'lz4' ? ' (its WASM lz4)' : ''}`,
        fn: () => decoders.platformatic(batch),
      },
    )
    if (c === 'lz4') {
      let restoreKafkajs = () => {}
      cases.push({
        group,
        name: `${kafkajsName} RecordBatch decoder + Sluice's lz4`,
        fn: () => decoders.kafkajs(batch),
        setup: () => {
          restoreKafkajs = useSluiceLz4InKafkajs(kafkajs)
        },
        teardown: () => restoreKafkajs(),
      })
      let restore = () => {}
      cases.push({
        group,
        name: `${platformaticName} readRecordsBatch + lz4-napi`,
        fn: () => decoders.platformatic(batch),
        setup: () => {
          restore = platformatic.useLz4Napi()
        },
        teardown: () => restore(),
      })
    }
  }

  const results = await runComparison(cases, options)
  const sizeNote = (c: Compression) =>
    Object.entries(sizes[c])
      .filter(([name]) => name !== 'Sluice async')
      .map(([name, size]) => `${name} ${formatInteger(size)}`)
      .join(', ')
  return {
    title:
      `Record batch encode/decode: ${formatInteger(workload.count)} records (${KEY_BYTES} B key, ` +
      `${VALUE_BYTES} B value, 1 header) = ${formatBytes(workload.payloadBytes)} of payload per batch`,
    columns: [
      { header: 'operation' },
      { header: 'implementation' },
      { header: 'records/s', align: 'right' },
      { header: 'per batch', align: 'right' },
      { header: 'spread', align: 'right' },
      { header: 'ratio', align: 'right' },
    ],
    rows: groupedRows(results, (r) => [
      r.bench.group,
      r.bench.name,
      formatSi(r.measurement.opsPerSecond * workload.count),
      formatDuration(1000 / r.measurement.opsPerSecond),
      spreadCell(r),
      ratioCell(r),
    ]),
    notes: [
      RATIO_NOTE,
      'spread = (fastest - slowest round) / median round; the rate is the median of the rounds.',
      `batch bytes, none: ${sizeNote('none')}`,
      `batch bytes, lz4:  ${sizeNote('lz4')}`,
      'lz4: kafkajs has no lz4 codec; lz4-napi (the library Sluice uses) is registered into its',
      "  CompressionCodecs through its sync frame functions. Sluice decodes a frame's blocks with lz4-napi's",
      '  block decoder instead (faster); the "+ Sluice\'s lz4" row gives kafkajs that path too, so it compares',
      '  batch codecs, not lz4 paths. @platformatic/kafka bundles its own lz4 (WASM, @platformatic/wasm-utils);',
      '  its "+ lz4-napi" rows swap lz4-napi into its codec table for a like-for-like comparison.',
      'CRC: Sluice checks the CRC32C of every decoded batch; kafkajs and @platformatic/kafka never do.',
      '  The "verifyCrc: false" row is the like-for-like decode; the CRC itself is measured below.',
      'Decoded shape: Sluice gives numeric offsets/timestamps and header arrays; kafkajs gives offsets and',
      '  timestamps as strings (via Long) and headers as an object; @platformatic/kafka leaves offset and',
      '  timestamp deltas (bigint) for its consumer to add later. Keys/values are views in all three.',
      'Async rows: compression runs on the libuv pool (lz4-napi async); for "none" they only add a promise.',
      'Verified before timing: every batch decodes to the exact input records under all three decoders.',
    ],
  }
}
