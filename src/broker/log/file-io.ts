import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs'

/** Reads exactly `length` bytes at `position`, or fewer only where the file ends. */
export function readAt(fd: number, buffer: Buffer, length: number, position: number): number {
  let done = 0
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done)
    if (n === 0) break
    done += n
  }
  return done
}

/** Writes all of `data` at `position` (a single write may be short). */
export function writeAt(fd: number, data: Buffer, position: number): void {
  let done = 0
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done)
}

/**
 * Serves small reads (batch headers) walking forward through a file from one
 * buffered window, so a walk costs one system call per window rather than
 * one per batch. Views are only valid until the next call.
 */
export class WindowedReader {
  private window = Buffer.alloc(0)
  private windowStart = 0
  private windowLength = 0

  constructor(
    private readonly fd: number,
    /** Bytes of the file that may be read; anything after is ignored. */
    private readonly end: number,
    private readonly windowBytes = 16 * 1024,
  ) {}

  /** Bytes [position, position + length), or null when they run past the end (checked before any allocation). */
  view(position: number, length: number): Buffer | null {
    if (position < 0 || length < 0 || position + length > this.end) return null
    const inWindow = position >= this.windowStart && position + length <= this.windowStart + this.windowLength
    if (!inWindow) {
      const want = Math.min(Math.max(this.windowBytes, length), this.end - position)
      if (this.window.length < want) this.window = Buffer.allocUnsafe(want)
      this.windowStart = position
      this.windowLength = readAt(this.fd, this.window, want, position)
      if (this.windowLength < length) return null
    }
    const at = position - this.windowStart
    return this.window.subarray(at, at + length)
  }
}

/** Writes a small file and fsyncs it, so a rename that follows publishes whole content. */
export function writeDurably(path: string, content: string): void {
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, content)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
