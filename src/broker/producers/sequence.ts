/**
 * Sequence numbers of idempotent producers: int32 per producer and
 * partition, counting records, wrapping from Int32.MAX back to 0 (not to
 * the negative range: a negative base sequence means "none").
 */

export const INT32_MAX = 0x7fff_ffff
/** A batch without a sequence (producer id -1), and the last sequence of a producer that has none yet. */
export const NO_SEQUENCE = -1
/** The epoch of a producer the partition knows nothing about. */
export const NO_PRODUCER_EPOCH = -1

/** The sequence `increment` records after `sequence`, wrapping past Int32.MAX to 0. */
export function addToSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1
  return sequence + increment
}

/** The sequence of a batch's last record: its base sequence plus its last offset delta, wrapped. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  if (baseSequence === NO_SEQUENCE) return NO_SEQUENCE
  return addToSequence(baseSequence, lastOffsetDelta)
}

/** Whether a batch starting at `next` directly follows one that ended at `last` (0 follows Int32.MAX). */
export function followsInSequence(last: number, next: number): boolean {
  return next === last + 1 || (next === 0 && last === INT32_MAX)
}
