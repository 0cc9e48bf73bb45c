import { ErrorCode } from '../../protocol/error-codes.js'
import type { PartitionLog } from '../log/partition-log.js'
import { ProducerEntry, type RetainedBatch } from './producer-entry.js'
import { followsInSequence, lastSequenceOf, NO_PRODUCER_EPOCH } from './sequence.js'

/** The header fields of a produced batch that the sequence rules look at. */
export interface ProducedBatch {
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  lastOffsetDelta: number
}

/** What to do with a produced batch of an idempotent producer. */
export type SequenceVerdict =
  | { kind: 'append' }
  | { kind: 'duplicate'; original: RetainedBatch }
  | { kind: 'reject'; errorCode: number; message: string }

export interface ProducerStateSettings {
  /** `producer.id.expiration.ms`: a producer that has not written for this long is forgotten. */
  expirationMs: number
  /**
   * Producers remembered per partition. Past it the one that wrote least
   * recently is forgotten: at worst a retry of its last batches is no longer
   * recognised, which is better than memory growing with every producer id a
   * client makes up.
   */
  maxProducers: number
}

/** Kafka checks for expired producers every 10 minutes (`producer.id.expiration.check.interval.ms`). */
const SWEEP_INTERVAL_MS = 10 * 60 * 1000
const APPEND: SequenceVerdict = { kind: 'append' }

/**
 * The idempotent producers of one partition, and the rules their batches
 * must follow, as Kafka's broker applies them (Kafka 2.5 and later):
 *
 * - A batch with the sequence range of one of the producer's last five
 *   batches of the same epoch is a retry: it is answered with the offsets the
 *   original got and not stored again.
 * - An epoch older than the producer's current one: INVALID_PRODUCER_EPOCH.
 * - A newer epoch must start at sequence 0, else OUT_OF_ORDER_SEQUENCE_NUMBER.
 * - The same epoch must continue at the last sequence + 1 (Int32.MAX is
 *   followed by 0), else OUT_OF_ORDER_SEQUENCE_NUMBER.
 * - A producer id the partition does not know (new, expired, or whose
 *   batches a restart could not find) may start at any sequence. Kafka
 *   before 2.5 answered UNKNOWN_PRODUCER_ID when that sequence was not 0;
 *   since KIP-360 the broker accepts it and the producer's own bookkeeping
 *   decides, so no produce answer here is UNKNOWN_PRODUCER_ID.
 *
 * Batches without a producer id (-1) never come here.
 */
export class PartitionProducerState {
  /** Least recently written first: Map keeps insertion order and every append re-inserts its producer. */
  private readonly producers = new Map<bigint, ProducerEntry>()
  private lastSweepMs: number

  constructor(
    private readonly settings: ProducerStateSettings,
    nowMs: number,
  ) {
    this.lastSweepMs = nowMs
  }

  /**
   * The state a partition's stored batches imply, read from their headers
   * alone. Producers found get a fresh expiration period: the log does not
   * say when a batch was appended, only what timestamp its producer gave it.
   */
  static rebuild(log: PartitionLog, settings: ProducerStateSettings, nowMs: number): PartitionProducerState {
    const state = new PartitionProducerState(settings, nowMs)
    log.forEachBatchHeader((header) => {
      if (header.producerId < 0n || header.isControl) return
      state.recordAppend(header, Number(header.baseOffset), header.maxTimestamp, nowMs)
    })
    return state
  }

  /** Producers currently remembered. */
  get size(): number {
    return this.producers.size
  }

  /** What the partition remembers of a producer, or undefined when nothing (or only an expired entry). */
  entry(producerId: bigint, nowMs: number): ProducerEntry | undefined {
    const entry = this.producers.get(producerId)
    if (entry && nowMs - entry.lastAppendMs >= this.settings.expirationMs) {
      this.producers.delete(producerId)
      return undefined
    }
    return entry
  }

  /** Decides whether `batch` is appended, answered as a duplicate, or refused. Changes nothing. */
  check(batch: ProducedBatch, nowMs: number): SequenceVerdict {
    const entry = this.entry(batch.producerId, nowMs)
    if (!entry) return APPEND
    const { producerId, producerEpoch: epoch, baseSequence: first } = batch
    const original = entry.findDuplicate(epoch, first, lastSequenceOf(first, batch.lastOffsetDelta))
    if (original) return { kind: 'duplicate', original }
    if (epoch < entry.epoch) {
      return reject(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `Producer ${producerId} wrote with epoch ${epoch}, older than its current epoch ${entry.epoch}`,
      )
    }
    // an entry written with no epoch (-1) gives nothing to check a sequence against
    if (entry.epoch === NO_PRODUCER_EPOCH) return APPEND
    if (epoch !== entry.epoch) {
      if (first === 0) return APPEND
      return reject(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `Producer ${producerId} started epoch ${epoch} at sequence ${first}; a new epoch starts at 0`,
      )
    }
    if (followsInSequence(entry.lastSequence, first)) return APPEND
    return reject(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      `Producer ${producerId} sent sequence ${first} after ${entry.lastSequence} (epoch ${epoch})`,
    )
  }

  /** Records a batch that was just stored at `baseOffset` (or found in the log by `rebuild`). */
  recordAppend(batch: ProducedBatch, baseOffset: number, maxTimestamp: number, nowMs: number): void {
    const { producerId } = batch
    let entry = this.producers.get(producerId)
    if (entry) this.producers.delete(producerId)
    else entry = new ProducerEntry(batch.producerEpoch, nowMs)
    this.producers.set(producerId, entry)
    entry.add(
      batch.producerEpoch,
      {
        firstSequence: batch.baseSequence,
        lastSequence: lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta),
        baseOffset,
        lastOffset: baseOffset + batch.lastOffsetDelta,
        maxTimestamp,
      },
      nowMs,
    )
    if (this.producers.size > this.settings.maxProducers) {
      const leastRecent = this.producers.keys().next().value as bigint
      this.producers.delete(leastRecent)
    }
    if (nowMs - this.lastSweepMs >= Math.min(SWEEP_INTERVAL_MS, this.settings.expirationMs)) this.sweep(nowMs)
  }

  /** Forgets every producer that has not written for `expirationMs`. */
  sweep(nowMs: number): void {
    this.lastSweepMs = nowMs
    // least recently written first, so (with a clock that does not go back) the expired ones are a prefix
    for (const [producerId, entry] of this.producers) {
      if (nowMs - entry.lastAppendMs < this.settings.expirationMs) break
      this.producers.delete(producerId)
    }
  }
}

function reject(errorCode: number, message: string): SequenceVerdict {
  return { kind: 'reject', errorCode, message }
}
