/**
 * Memory for the memory engine's batches: each is copied into large chunks,
 * oldest first, rather than into a buffer of its own. A buffer per batch
 * costs about 600 bytes of allocator and V8 bookkeeping on top of its bytes
 * (a 170-byte one-record batch took 770 bytes of RSS); in a chunk a batch
 * costs its bytes and one view. Batches leave in offset order (retention,
 * DeleteRecords, the memory budget), so chunks free whole from the front,
 * like a disk log's segments.
 *
 * Chunks start small and double up to MAX_CHUNK_BYTES, so a partition that
 * holds a few records holds a few KiB. A batch too large to share a chunk
 * keeps memory of its own (one copy, never a view into the request it came
 * in, which would keep the whole request alive).
 */

const MIN_CHUNK_BYTES = 4 * 1024
// small beside the smallest budget (1 MiB): a log's newest chunk is never released
const MAX_CHUNK_BYTES = 256 * 1024
/** Larger batches get their own memory: in a chunk they would waste too much of it at its end. */
const MAX_SHARED_BATCH_BYTES = MAX_CHUNK_BYTES / 4

/** Chunk id of a batch that has memory of its own. */
export const OWN_MEMORY = -1

export class BatchArena {
  /** Live chunks, oldest first; `chunks[0]` has id `firstId`. */
  private chunks: Buffer[] = []
  private firstId = 0
  /** Bytes used in the newest chunk. */
  private used = 0
  private chunkBytes = 0
  private ownBytes = 0

  /** Bytes allocated: every live chunk whole, and the batches with memory of their own. */
  get allocatedBytes(): number {
    return this.chunkBytes + this.ownBytes
  }

  /** Id of the chunk being filled, which is never freed while batches are stored (below every id while there is none). */
  get newestChunk(): number {
    return this.firstId + this.chunks.length - 1
  }

  /** Copies a batch in; returns the stored bytes and the id of the chunk holding them (or OWN_MEMORY). */
  store(batch: Buffer): { stored: Buffer; chunk: number } {
    const size = batch.length
    if (size > MAX_SHARED_BATCH_BYTES) {
      const own = Buffer.allocUnsafeSlow(size)
      batch.copy(own)
      this.ownBytes += size
      return { stored: own, chunk: OWN_MEMORY }
    }
    let current = this.chunks[this.chunks.length - 1]
    if (current === undefined || current.length - this.used < size) {
      const grown = current === undefined ? MIN_CHUNK_BYTES : Math.min(current.length * 2, MAX_CHUNK_BYTES)
      current = Buffer.allocUnsafeSlow(Math.max(grown, size))
      this.chunks.push(current)
      this.chunkBytes += current.length
      this.used = 0
    }
    batch.copy(current, this.used)
    const stored = current.subarray(this.used, this.used + size)
    this.used += size
    return { stored, chunk: this.firstId + this.chunks.length - 1 }
  }

  /** A batch with memory of its own has left. */
  releaseOwn(size: number): void {
    this.ownBytes -= size
  }

  /**
   * Frees the chunks before `chunk`: no stored batch lives in them any more.
   * The newest chunk, still being filled, stays whatever `chunk` says.
   */
  freeBefore(chunk: number): void {
    const count = Math.min(chunk, this.newestChunk) - this.firstId
    if (count <= 0) return
    for (let i = 0; i < count; i++) this.chunkBytes -= this.chunks[i].length
    this.chunks = this.chunks.slice(count)
    this.firstId += count
  }

  /** Frees everything (topic deletion). */
  clear(): void {
    this.firstId += this.chunks.length
    this.chunks = []
    this.used = 0
    this.chunkBytes = 0
    this.ownBytes = 0
  }
}
