import { firstAtOrAfter } from './sorted-search.js'

/** On disk: the timestamp as int64, then the offset (relative to the segment) as int32. */
const ENTRY_BYTES = 12

export interface TimeIndexEntry {
  timestamp: number
  offset: number
}

/**
 * Batch max timestamps where they reach a new high, with the batch each
 * belongs to. Timestamps in a log need not increase, but this running maximum
 * does, so "the first batch whose max timestamp is at least T" is a binary
 * search: the maximum first reaches T at exactly that batch. The last entry is
 * the batch with the greatest timestamp, the earliest one on ties because
 * only a strict increase adds an entry.
 *
 * `offset` is whatever the owner locates batches by: a relative offset in a
 * disk segment, an array position in the memory engine.
 */
export class TimeIndex {
  private readonly timestamps: number[] = []
  private readonly offsets: number[] = []

  get entryCount(): number {
    return this.timestamps.length
  }

  /** Records a batch; returns whether it raised the maximum (and so became an entry). */
  observe(timestamp: number, offset: number): boolean {
    const n = this.timestamps.length
    if (n > 0 && timestamp <= this.timestamps[n - 1]) return false
    this.timestamps.push(timestamp)
    this.offsets.push(offset)
    return true
  }

  /** The batch whose max timestamp is the first at or after `timestamp`. */
  firstAtOrAfter(timestamp: number): number | null {
    const i = firstAtOrAfter(this.timestamps, timestamp)
    return i < this.offsets.length ? this.offsets[i] : null
  }

  last(): TimeIndexEntry | null {
    const n = this.timestamps.length
    return n === 0 ? null : { timestamp: this.timestamps[n - 1], offset: this.offsets[n - 1] }
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.timestamps.length * ENTRY_BYTES)
    for (let i = 0; i < this.timestamps.length; i++) {
      buf.writeBigInt64BE(BigInt(this.timestamps[i]), i * ENTRY_BYTES)
      buf.writeInt32BE(this.offsets[i], i * ENTRY_BYTES + 8)
    }
    return buf
  }

  /**
   * Reads a `.timeindex` file, refusing one that cannot have been written by
   * `toBuffer`: a partial entry, or timestamps or offsets that do not strictly
   * increase. `offsetLimit` bounds the relative offsets (the segment's offset count).
   */
  static fromBuffer(buf: Buffer, offsetLimit: number): TimeIndex {
    if (buf.length % ENTRY_BYTES !== 0)
      throw new Error(`time index of ${buf.length} bytes is not whole entries`)
    const index = new TimeIndex()
    for (let at = 0; at < buf.length; at += ENTRY_BYTES) {
      const timestamp = Number(buf.readBigInt64BE(at))
      const offset = buf.readInt32BE(at + 8)
      const previous = index.offsets.length > 0 ? index.offsets[index.offsets.length - 1] : -1
      if (offset <= previous || offset >= offsetLimit)
        throw new Error(`time index offset ${offset} out of order or range`)
      if (!index.observe(timestamp, offset))
        throw new Error(`time index timestamp ${timestamp} does not increase`)
    }
    return index
  }
}
