import { lastAtOrBefore } from './sorted-search.js'

/** On disk: the offset relative to the segment's base, then the byte position in the .log file, both int32. */
const ENTRY_BYTES = 8

/**
 * Sparse map from offsets to file positions in one segment: an entry every
 * `index.interval.bytes` of log, keyed by the base offset of the batch that
 * starts at the position. A lookup lands on a batch at or before the wanted
 * offset, and at most about an interval of headers is walked from there.
 */
export class OffsetIndex {
  private readonly offsets: number[] = []
  private readonly positions: number[] = []

  get entryCount(): number {
    return this.offsets.length
  }

  append(relativeOffset: number, position: number): void {
    const n = this.offsets.length
    if (n > 0 && (relativeOffset <= this.offsets[n - 1] || position <= this.positions[n - 1])) {
      throw new Error(`offset index entry (${relativeOffset}, ${position}) does not follow the last one`)
    }
    this.offsets.push(relativeOffset)
    this.positions.push(position)
  }

  /** Position of a batch starting at or before `relativeOffset`: the nearest indexed one, else the file's start. */
  lookup(relativeOffset: number): number {
    const i = lastAtOrBefore(this.offsets, relativeOffset)
    return i < 0 ? 0 : this.positions[i]
  }

  /** The last entry, from where a walk reaches the end of the segment. */
  last(): { offset: number; position: number } | null {
    const n = this.offsets.length
    return n === 0 ? null : { offset: this.offsets[n - 1], position: this.positions[n - 1] }
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.offsets.length * ENTRY_BYTES)
    for (let i = 0; i < this.offsets.length; i++) {
      buf.writeInt32BE(this.offsets[i], i * ENTRY_BYTES)
      buf.writeInt32BE(this.positions[i], i * ENTRY_BYTES + 4)
    }
    return buf
  }

  /**
   * Reads a `.index` file, refusing one that cannot describe a log of
   * `logBytes` bytes: a partial entry, entries out of order, negative values
   * or a position at or past the end of the log.
   */
  static fromBuffer(buf: Buffer, logBytes: number): OffsetIndex {
    if (buf.length % ENTRY_BYTES !== 0)
      throw new Error(`offset index of ${buf.length} bytes is not whole entries`)
    const index = new OffsetIndex()
    for (let at = 0; at < buf.length; at += ENTRY_BYTES) {
      const offset = buf.readInt32BE(at)
      const position = buf.readInt32BE(at + 4)
      if (offset < 0 || position < 0 || position >= logBytes) {
        throw new Error(`offset index entry (${offset}, ${position}) outside a log of ${logBytes} bytes`)
      }
      index.append(offset, position)
    }
    return index
  }
}
