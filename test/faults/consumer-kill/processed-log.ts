import { closeSync, openSync, readFileSync, readSync } from 'node:fs'

/**
 * What a life of the killable consumer wrote: one line per processed record,
 * `partition offset key value`. A SIGKILL can cut the last write short; a
 * line without its newline was never finished, so its record was not
 * processed (the handler had not resolved) and is left out.
 */

export interface ProcessedRecord {
  readonly partition: number
  readonly offset: number
  readonly key: string
  readonly value: number
}

export function readProcessed(file: string): ProcessedRecord[] {
  const text = readFileSync(file, 'utf8')
  const complete = text.slice(0, text.lastIndexOf('\n') + 1)
  return complete
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [partition, offset, key, value] = line.split(' ')
      return { partition: Number(partition), offset: Number(offset), key, value: Number(value) }
    })
}

/** Counts the complete lines of a file that another process is appending to, reading only what is new. */
export class LineCounter {
  lines = 0
  private readonly fd: number
  private position = 0
  private readonly chunk = Buffer.alloc(1 << 16)

  constructor(file: string) {
    this.fd = openSync(file, 'r')
  }

  update(): number {
    for (;;) {
      const n = readSync(this.fd, this.chunk, 0, this.chunk.length, this.position)
      if (n === 0) return this.lines
      this.position += n
      for (let i = 0; i < n; i++) if (this.chunk[i] === 0x0a) this.lines++
    }
  }

  close(): void {
    closeSync(this.fd)
  }
}
