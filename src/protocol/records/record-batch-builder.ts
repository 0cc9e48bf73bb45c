import { ProtocolError } from '../protocol-error.js'
import { Writer } from '../writer.js'
import { BATCH_HEADER_BYTES, LOG_OVERHEAD, TRANSACTIONAL_BIT, writeBatchHeader } from './batch-header.js'
import { CompressionType, compressionCodec } from './compression/index.js'
import { type RecordInput, recordBodySize, varintSize, writeRecord } from './record.js'

const INT32_MAX = 0x7fffffff
const EMPTY = Buffer.alloc(0)

/** What a producer knows only when it sends a batch (sequence numbers are given out in send order). */
export interface SealOptions {
  compression?: CompressionType
  /** For gzip and zstd; the codec's default when left out. */
  compressionLevel?: number
  producerId?: bigint
  producerEpoch?: number
  baseSequence?: number
  transactional?: boolean
}

/**
 * A record batch built one record at a time, as a producer's accumulator
 * fills it: records are encoded straight into a buffer of fixed capacity
 * behind room for the header, so an uncompressed batch is sent from the very
 * bytes it was built in. `tryAppend` refuses a record that would not fit
 * (the caller starts a new batch); the first record of a batch always fits,
 * because the caller sizes the buffer for it.
 *
 * Written by hand rather than through `encodeRecordBatch`, which needs every
 * record at once: a producer learns them one `send` at a time and must know,
 * exactly and at once, how many bytes each takes of its budget.
 */
export class RecordBatchBuilder {
  readonly capacity: number
  private readonly writer: Writer
  private count = 0
  private baseTimestamp = -1
  private maxTimestamp = -1
  private sealed: Buffer | undefined
  private compressedSeal = false
  private sealedWith: CompressionType | undefined

  /** `buffer`, when given, is written into (a producer reuses the buffers of acknowledged batches). */
  constructor(capacity: number, buffer?: Buffer) {
    if (!Number.isInteger(capacity) || capacity < BATCH_HEADER_BYTES || capacity - LOG_OVERHEAD > INT32_MAX) {
      throw new RangeError(`batch capacity ${capacity} is not between ${BATCH_HEADER_BYTES} and 2 GiB`)
    }
    if (buffer && buffer.length !== capacity) {
      throw new RangeError(`a buffer of ${buffer.length} bytes given for a batch of ${capacity}`)
    }
    this.capacity = capacity
    this.writer = new Writer(buffer ? 0 : capacity)
    if (buffer) this.writer.buffer = buffer
    this.writer.offset = BATCH_HEADER_BYTES
  }

  /**
   * The buffer the batch was built in, for reuse, once its bytes are no
   * longer needed (acknowledged); undefined when sealing compressed already
   * let it go.
   */
  releaseBuffer(): Buffer | undefined {
    if (this.compressedSeal) return undefined
    const buffer = this.writer.buffer
    this.writer.buffer = EMPTY
    this.sealed = undefined
    return buffer.length === this.capacity ? buffer : undefined
  }

  /** Records appended so far. */
  get recordCount(): number {
    return this.count
  }

  /**
   * Memory the batch holds now: its capacity while it is open or sent
   * uncompressed; once sealed compressed, only the compressed bytes (the
   * buffer it was built in is let go).
   */
  get retainedBytes(): number {
    return this.sealed && this.compressedSeal ? this.sealed.length : this.capacity
  }

  /** Bytes the batch takes uncompressed: header and records. */
  get sizeInBytes(): number {
    return this.writer.offset
  }

  /** Bytes a record takes when appended to an empty batch, header included: the capacity it needs. */
  static sizeAlone(record: RecordInput): number {
    const body = recordBodySize(record, 0, 0)
    return BATCH_HEADER_BYTES + varintSize(body) + body
  }

  /**
   * Appends a record with its timestamp unless it would not fit in what is
   * left of the capacity; returns whether it was appended. Records take the
   * offset delta of their position.
   */
  tryAppend(record: RecordInput, timestamp: number): boolean {
    if (this.sealed) throw new ProtocolError('record appended to a sealed batch')
    if (!Number.isSafeInteger(timestamp))
      throw new ProtocolError(`record timestamp ${timestamp} is not an integer`)
    const base = this.count === 0 ? timestamp : this.baseTimestamp
    const body = recordBodySize(record, timestamp - base, this.count)
    const size = varintSize(body) + body
    if (this.writer.offset + size > this.capacity) return false
    writeRecord(this.writer, record, timestamp - base, this.count, body)
    if (this.count === 0) {
      this.baseTimestamp = timestamp
      this.maxTimestamp = timestamp
    } else if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp
    this.count++
    return true
  }

  /**
   * The batch's bytes, header filled in and CRC sealed; compressed when asked
   * (a new buffer), else the builder's own buffer cut to size. Sealing again
   * with other producer fields (a retry after an epoch bump) rewrites them.
   */
  seal(options: SealOptions = {}): Buffer {
    if (this.count === 0) throw new ProtocolError('an empty batch cannot be sealed')
    const compression = options.compression ?? CompressionType.None
    let batch: Buffer
    if (this.compressedSeal) {
      batch = this.sealed!
    } else if (compression === CompressionType.None) {
      batch = this.writer.buffer.subarray(0, this.writer.offset)
    } else {
      const records = this.writer.buffer.subarray(BATCH_HEADER_BYTES, this.writer.offset)
      batch = compressed(records, compression, options.compressionLevel)
      this.sealed = batch
      this.compressedSeal = true
      // a retry resends the compressed bytes: the uncompressed ones are no longer needed
      this.writer.buffer = EMPTY
    }
    // the bytes keep the codec of the first seal, whatever a later one asks
    this.sealedWith ??= compression
    let attributes: number = this.sealedWith
    if (options.transactional) attributes |= TRANSACTIONAL_BIT
    writeBatchHeader(batch, {
      baseOffset: 0n,
      partitionLeaderEpoch: -1,
      attributes,
      lastOffsetDelta: this.count - 1,
      baseTimestamp: this.baseTimestamp,
      maxTimestamp: this.maxTimestamp,
      producerId: options.producerId ?? -1n,
      producerEpoch: options.producerEpoch ?? -1,
      baseSequence: options.baseSequence ?? -1,
      recordCount: this.count,
    })
    if (compression === CompressionType.None) this.sealed = batch
    return batch
  }
}

function compressed(records: Buffer, compression: CompressionType, level: number | undefined): Buffer {
  const payload = compressionCodec(compression).compress(records, level)
  const batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + payload.length)
  payload.copy(batch, BATCH_HEADER_BYTES)
  return batch
}
