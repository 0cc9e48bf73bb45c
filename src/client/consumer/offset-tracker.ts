/**
 * One partition's record offsets between fetch and finish, and from them the
 * offset that may be committed: the lowest offset not yet finished, or, when
 * everything fetched is finished, the position after the last record fetched
 * (which also skips gaps: compacted records, transaction markers).
 *
 * Records are added in offset order and finish in any order. Each gets a
 * slot number, handed back to `finish`; slots live in a ring that grows as
 * needed, and the finished prefix is dropped as it forms, so the cost is
 * O(1) per record however completions are ordered.
 */
export class OffsetTracker {
  private offsets: Float64Array
  private finished: Uint8Array
  /** Absolute slot numbers: [head, tail) are tracked. */
  private head = 0
  private tail = 0
  private endOffset: number

  /** `start`: the offset the partition is read from (the commit point while nothing is fetched). */
  constructor(start: number, capacity = 1024) {
    this.endOffset = start
    this.offsets = new Float64Array(capacity)
    this.finished = new Uint8Array(capacity)
  }

  /** Records fetched and not yet finished (or finished behind an unfinished one). */
  get pending(): number {
    return this.tail - this.head
  }

  /** Tracks a fetched record; returns its slot. `nextOffset` is where fetching goes on from (after gaps). */
  add(offset: number, nextOffset = offset + 1): number {
    if (this.tail - this.head === this.offsets.length) this.grow()
    const slot = this.tail++
    const at = slot % this.offsets.length
    this.offsets[at] = offset
    this.finished[at] = 0
    this.endOffset = nextOffset
    return slot
  }

  /** Moves the end past offsets that hold no record for us (a control batch, aborted records). */
  skipTo(nextOffset: number): void {
    if (nextOffset > this.endOffset) this.endOffset = nextOffset
  }

  /** Marks a record finished (processed, dead-lettered, skipped or dropped). Finishing twice is harmless. */
  finish(slot: number): void {
    if (slot < this.head || slot >= this.tail) return
    this.finished[slot % this.offsets.length] = 1
    while (this.head < this.tail && this.finished[this.head % this.offsets.length] === 1) this.head++
  }

  /** The offset to commit: nothing at or after it is known finished in a row from the start. */
  committable(): number {
    return this.head < this.tail ? this.offsets[this.head % this.offsets.length] : this.endOffset
  }

  private grow(): void {
    const size = this.offsets.length
    const offsets = new Float64Array(size * 2)
    const finished = new Uint8Array(size * 2)
    for (let slot = this.head; slot < this.tail; slot++) {
      offsets[slot % (size * 2)] = this.offsets[slot % size]
      finished[slot % (size * 2)] = this.finished[slot % size]
    }
    this.offsets = offsets
    this.finished = finished
  }
}
