import { ProtocolError } from './protocol-error.js'

/** A request must at least hold the 8-byte header prefix (key, version, correlation id). */
export const MIN_REQUEST_FRAME_BYTES = 8

/**
 * Cuts a TCP byte stream into size-prefixed Kafka frames: requests on the
 * broker side, responses on the client side.
 *
 * The size is checked the moment its 4 bytes arrive: a frame announced larger
 * than `maxFrameBytes` (the broker's `socket.request.max.bytes`, the client's
 * largest response) is refused before a single byte of its body is buffered.
 */
export class FrameSplitter {
  private chunks: Buffer[] = []
  private buffered = 0
  /** Size of the frame being assembled, or -1 while its prefix is incomplete. */
  private expected = -1

  /**
   * `minFrameBytes` is 8 for requests; a response reader passes 4 (a
   * correlation id), since Heartbeat v0 answers are only 6 bytes.
   */
  constructor(
    private maxFrameBytes: number,
    private minFrameBytes = MIN_REQUEST_FRAME_BYTES,
  ) {}

  /**
   * Changes the bounds for frames whose size has not been read yet: a broker
   * connection accepts less before a client has logged in, and raw SASL
   * tokens are shorter than any request.
   */
  limit(maxFrameBytes: number, minFrameBytes: number): void {
    this.maxFrameBytes = maxFrameBytes
    this.minFrameBytes = minFrameBytes
  }

  /** Bytes received but not yet handed out as a frame (the partial frame). */
  get pendingBytes(): number {
    return this.buffered
  }

  /** True once any byte of a frame not yet handed out has arrived, its size prefix included. */
  get midFrame(): boolean {
    return this.expected >= 0 || this.buffered > 0
  }

  /** Feeds a chunk; returns the complete frames it finished (without their size prefix). */
  push(chunk: Buffer): Buffer[] {
    this.append(chunk)
    const frames: Buffer[] = []
    for (let frame = this.next(); frame !== null; frame = this.next()) frames.push(frame)
    return frames
  }

  /** Feeds a chunk without cutting frames yet; `next()` takes them out one at a time. */
  append(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.buffered += chunk.length
  }

  /**
   * The next complete frame (without its size prefix), or null while it is
   * incomplete. Throws ProtocolError when a size outside the bounds arrives.
   */
  next(): Buffer | null {
    if (this.expected < 0) {
      if (this.buffered < 4) return null
      const size = this.peekInt32()
      if (size < this.minFrameBytes) {
        throw new ProtocolError(`frame size ${size} is below the ${this.minFrameBytes}-byte minimum`)
      }
      if (size > this.maxFrameBytes) {
        throw new ProtocolError(`frame of ${size} bytes exceeds the ${this.maxFrameBytes}-byte limit`)
      }
      this.consume(4)
      this.expected = size
    }
    if (this.buffered < this.expected) return null
    const frame = this.consume(this.expected)
    this.expected = -1
    return frame
  }

  private peekInt32(): number {
    const first = this.chunks[0]
    if (first.length >= 4) return first.readInt32BE(0)
    return this.concatAll().readInt32BE(0)
  }

  private concatAll(): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered)
    this.chunks = [all]
    return all
  }

  /** Removes `n` bytes from the front, copying only when they span chunks. */
  private consume(n: number): Buffer {
    const first = this.chunks[0]
    let out: Buffer
    if (first.length >= n) {
      out = first.subarray(0, n)
      if (first.length === n) this.chunks.shift()
      else this.chunks[0] = first.subarray(n)
    } else {
      out = Buffer.allocUnsafe(n)
      let filled = 0
      while (filled < n) {
        const c = this.chunks[0]
        const take = Math.min(c.length, n - filled)
        c.copy(out, filled, 0, take)
        filled += take
        if (take === c.length) this.chunks.shift()
        else this.chunks[0] = c.subarray(take)
      }
    }
    this.buffered -= n
    return out
  }
}
