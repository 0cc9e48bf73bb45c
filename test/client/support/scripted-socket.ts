import { Duplex } from 'node:stream'
import type { ApiDefinition } from '../../../src/protocol/api.js'
import { encodeResponse, type RequestPrefix, readRequestPrefix } from '../../../src/protocol/frames.js'
import type { MessageInput } from '../../../src/protocol/schema.js'

/**
 * A socket whose other end is the test: it records what the client writes
 * (cut into request frames) and pushes whatever bytes the test scripts,
 * whole, split or out of order. With `holdWrites` the write callbacks wait
 * for `releaseWrites()`, so `write()` returns false once `highWaterMark`
 * bytes are pending, as a real socket does when the kernel buffer is full.
 */
export class ScriptedSocket extends Duplex {
  holdWrites = false
  private readonly chunks: Buffer[] = []
  private held: (() => void)[] = []

  constructor(highWaterMark = 16 * 1024) {
    super({ writableHighWaterMark: highWaterMark })
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk)
    if (this.holdWrites) this.held.push(() => callback())
    else callback()
  }

  releaseWrites(): void {
    this.holdWrites = false
    for (const cb of this.held.splice(0)) cb()
  }

  /** Request frames written so far (size prefix included). */
  frames(): Buffer[] {
    const all = Buffer.concat(this.chunks)
    const out: Buffer[] = []
    for (let at = 0; at + 4 <= all.length; ) {
      const size = all.readInt32BE(at)
      out.push(all.subarray(at, at + 4 + size))
      at += 4 + size
    }
    return out
  }

  /** Key, version and correlation id of each request written so far. */
  requests(): RequestPrefix[] {
    return this.frames().map((f) => readRequestPrefix(f.subarray(4)))
  }

  /** Sends bytes to the client as they are. */
  feed(bytes: Buffer): void {
    this.push(bytes)
  }

  /** Sends a well-formed response to the request with this correlation id. */
  answer<A extends ApiDefinition>(
    api: A,
    version: number,
    correlationId: number,
    body: MessageInput<A['response']>,
  ): void {
    this.push(encodeResponse(api, version, correlationId, body))
  }

  /** The peer hangs up. */
  hangUp(): void {
    this.push(null)
  }
}
