import { NO_SEQUENCE } from './sequence.js'

/** How many of a producer's latest batches each partition remembers, as Kafka does (and clients rely on: at most 5 in flight). */
export const RETAINED_BATCHES = 5

/** One stored batch of a producer, as far as deduplication needs it. */
export interface RetainedBatch {
  readonly firstSequence: number
  readonly lastSequence: number
  readonly baseOffset: number
  readonly lastOffset: number
  /** The batch's max timestamp as stored: the append time on a LogAppendTime topic. */
  readonly maxTimestamp: number
}

/**
 * What one partition knows about one producer id: the epoch it last wrote
 * with and the sequence ranges of its last five batches of that epoch, oldest
 * first. A batch of a newer epoch starts the list afresh, because sequences
 * restart at 0 with each epoch and older ranges can no longer be retried.
 */
export class ProducerEntry {
  private readonly retained: RetainedBatch[] = []

  constructor(
    private currentEpoch: number,
    /** Broker clock time of the last append (or of the rebuild), for `producerIdExpirationMs`. */
    public lastAppendMs: number,
  ) {}

  get epoch(): number {
    return this.currentEpoch
  }

  get batches(): readonly RetainedBatch[] {
    return this.retained
  }

  /** The last sequence written with the current epoch, or NO_SEQUENCE when none is retained. */
  get lastSequence(): number {
    return this.retained.at(-1)?.lastSequence ?? NO_SEQUENCE
  }

  /** A retained batch of `epoch` with exactly this sequence range: the same batch sent again. */
  findDuplicate(epoch: number, firstSequence: number, lastSequence: number): RetainedBatch | undefined {
    if (epoch !== this.currentEpoch) return undefined
    return this.retained.find((b) => b.firstSequence === firstSequence && b.lastSequence === lastSequence)
  }

  /** Records a batch that was stored; the caller has already checked it against the rules. */
  add(epoch: number, batch: RetainedBatch, nowMs: number): void {
    if (epoch !== this.currentEpoch) {
      this.currentEpoch = epoch
      this.retained.length = 0
    }
    this.retained.push(batch)
    if (this.retained.length > RETAINED_BATCHES) this.retained.shift()
    this.lastAppendMs = nowMs
  }
}
