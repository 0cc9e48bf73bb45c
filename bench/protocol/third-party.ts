import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { compressFrameSync, decompressFrameSync } from 'lz4-napi'

/**
 * The internals of the two libraries Sluice is compared with, loaded by path:
 * neither exposes its wire codecs publicly. The interfaces below describe only
 * what the benchmark calls; they are written from how the code behaves at the
 * installed versions (kafkajs 2.2, @platformatic/kafka 1.35).
 */

const require = createRequire(import.meta.url)

/* ---------------------------------------------------------------- kafkajs */

/** kafkajs's growable output buffer. */
export interface KafkajsEncoder {
  readonly buffer: Buffer
  size(): number
}

export interface KafkajsRecord {
  offset: string
  timestamp: string
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, Buffer | Buffer[]>
}

export interface KafkajsMessage {
  key: Buffer
  value: Buffer
  headers: Record<string, Buffer>
  timestamp: number
}

interface KafkajsRequest {
  apiKey: number
  apiVersion: number
  encode(): Promise<KafkajsEncoder>
}

interface KafkajsCodec {
  compress(encoder: KafkajsEncoder): Promise<Buffer>
  decompress(buffer: Buffer): Promise<Buffer>
}

export interface KafkajsFetchResponse {
  responses: { topicName: string; partitions: { partition: number; messages: KafkajsRecord[] }[] }[]
}

export interface Kafkajs {
  version: string
  Decoder: new (buffer: Buffer) => unknown
  /** One record, serialised into its own encoder (recordBatch/record/v0). */
  Record(fields: {
    offsetDelta: number
    timestampDelta: number
    key: Buffer
    value: Buffer
    headers: Record<string, Buffer>
  }): KafkajsEncoder
  /** A magic 2 batch around already serialised records (recordBatch/v0). */
  RecordBatch(fields: {
    compression: number
    records: KafkajsEncoder[]
    firstTimestamp: number
    maxTimestamp: number
    lastOffsetDelta: number
  }): Promise<KafkajsEncoder>
  decodeRecordBatch(decoder: unknown): Promise<{ records: KafkajsRecord[] }>
  crc32C(buffer: Buffer): number
  /** Frames a request: size, header v1, body (protocol/request.js). */
  frameRequest(args: {
    correlationId: number
    clientId: string
    request: KafkajsRequest
  }): Promise<KafkajsEncoder>
  produceRequestV7(args: {
    acks: number
    timeout: number
    compression: number
    topicData: { topic: string; partitions: { partition: number; messages: KafkajsMessage[] }[] }[]
  }): KafkajsRequest
  fetchResponseV11: {
    decode(payload: Buffer): Promise<unknown>
    parse(decoded: unknown): Promise<KafkajsFetchResponse>
  }
  compressionTypes: { None: number; LZ4: number }
}

export function loadKafkajs(): Kafkajs {
  const root = require('kafkajs') as {
    CompressionTypes: { None: number; LZ4: number }
    CompressionCodecs: Record<number, () => KafkajsCodec>
  }
  // kafkajs ships no lz4 and asks users to register a codec: here lz4-napi's
  // synchronous frame functions, the library Sluice uses (Sluice itself decodes
  // blocks directly; the '+ Sluice's lz4' row gives kafkajs the same lz4 work).
  root.CompressionCodecs[root.CompressionTypes.LZ4] = () => ({
    compress: async (encoder) => compressFrameSync(encoder.buffer),
    decompress: async (buffer) => decompressFrameSync(buffer),
  })
  return {
    version: (require('kafkajs/package.json') as { version: string }).version,
    Decoder: require('kafkajs/src/protocol/decoder'),
    Record: require('kafkajs/src/protocol/recordBatch/record/v0'),
    RecordBatch: require('kafkajs/src/protocol/recordBatch/v0').RecordBatch,
    decodeRecordBatch: require('kafkajs/src/protocol/recordBatch/v0/decoder'),
    crc32C: require('kafkajs/src/protocol/recordBatch/crc32C'),
    frameRequest: require('kafkajs/src/protocol/request'),
    produceRequestV7: require('kafkajs/src/protocol/requests/produce/v7/request'),
    fetchResponseV11: require('kafkajs/src/protocol/requests/fetch/v11/response'),
    compressionTypes: root.CompressionTypes,
  }
}

/* ----------------------------------------------------- @platformatic/kafka */

/** Its chunked output buffer; `buffer` joins the chunks into one Buffer. */
export interface PlatformaticWriter {
  readonly buffer: Buffer
  readonly length: number
  appendInt16(value: number): PlatformaticWriter
  appendInt32(value: number): PlatformaticWriter
  appendString(value: string | null, compact?: boolean): PlatformaticWriter
  appendTaggedFields(): PlatformaticWriter
  appendFrom(other: PlatformaticWriter): PlatformaticWriter
  prependLength(): PlatformaticWriter
}

export interface PlatformaticRecord {
  timestampDelta: bigint
  offsetDelta: number
  key: Buffer | null
  value: Buffer | null
  headers: [Buffer | null, Buffer | null][]
}

export interface PlatformaticBatch {
  firstOffset: bigint
  firstTimestamp: bigint
  records: PlatformaticRecord[]
}

export interface PlatformaticMessage {
  topic: string
  partition: number
  key: Buffer
  value: Buffer
  headers: Map<Buffer, Buffer>
  timestamp: bigint
}

interface PlatformaticLz4 {
  compressSync(data: unknown): Buffer
  decompressSync(data: unknown): Buffer
}

export interface PlatformaticFetchResponse {
  responses: { topicId: string; partitions: { partitionIndex: number; records?: PlatformaticBatch[] }[] }[]
}

export interface Platformatic {
  version: string
  createRecordsBatch(
    messages: PlatformaticMessage[],
    options: { compression: 'none' | 'lz4' },
  ): PlatformaticWriter
  readRecordsBatch(reader: unknown): PlatformaticBatch
  readerFrom(buffer: Buffer): unknown
  createWriter(): PlatformaticWriter
  /** Body of a Produce v9 request (apis/producer/produce-v9.js). */
  produceRequestV9(
    acks: number,
    timeout: number,
    messages: PlatformaticMessage[],
    options: { compression: 'none' },
  ): PlatformaticWriter
  fetchResponseV12(
    correlationId: number,
    apiKey: number,
    apiVersion: number,
    reader: unknown,
  ): PlatformaticFetchResponse
  /** The CRC32C it picked at load: @node-rs/crc32 when installed, else its WASM one. */
  crc32c(data: Buffer): number
  crc32cImplementation: string
  wasmCrc32c(data: Buffer): number
  lz4: PlatformaticLz4
  /** Replaces its lz4 functions with lz4-napi's until the returned function is called. */
  useLz4Napi(): () => void
}

export async function loadPlatformatic(): Promise<Platformatic> {
  // the package exports only its root, so the protocol modules are imported by file URL
  const entry = require.resolve('@platformatic/kafka')
  const dist = dirname(entry)
  const load = (path: string): Promise<any> => import(pathToFileURL(join(dist, path)).href)
  const [records, reader, writer, compression, crc, produce, fetch] = await Promise.all([
    load('protocol/records.js'),
    load('protocol/reader.js'),
    load('protocol/writer.js'),
    load('protocol/compression.js'),
    load('protocol/crc32c.js'),
    load('apis/producer/produce-v9.js'),
    load('apis/consumer/fetch-v12.js'),
  ])
  const packageRequire = createRequire(entry)
  const wasm = await import(pathToFileURL(packageRequire.resolve('@platformatic/wasm-utils')).href)
  const lz4 = compression.compressionsAlgorithms.lz4 as PlatformaticLz4
  const ownLz4 = { compressSync: lz4.compressSync, decompressSync: lz4.decompressSync }
  // its codecs receive either a Buffer or its own chunked DynamicBuffer
  const asBuffer = (data: unknown): Buffer =>
    Buffer.isBuffer(data) ? data : (data as { buffer: Buffer }).buffer
  const version = (packageRequire(join(dirname(dist), 'package.json')) as { version: string }).version
  return {
    version,
    createRecordsBatch: records.createRecordsBatch,
    readRecordsBatch: records.readRecordsBatch,
    readerFrom: (buffer) => reader.Reader.from(buffer),
    createWriter: () => writer.Writer.create(),
    produceRequestV9: produce.createRequest,
    fetchResponseV12: fetch.parseResponse,
    crc32c: crc.crc32c,
    crc32cImplementation:
      crc.crc32c === wasm.crc32c ? 'WASM @platformatic/wasm-utils' : 'native @node-rs/crc32',
    wasmCrc32c: wasm.crc32c,
    lz4,
    useLz4Napi() {
      lz4.compressSync = (data) => compressFrameSync(asBuffer(data))
      lz4.decompressSync = (data) => decompressFrameSync(asBuffer(data))
      return () => {
        lz4.compressSync = ownLz4.compressSync
        lz4.decompressSync = ownLz4.decompressSync
      }
    },
  }
}
