import { connect } from 'node:net'

/**
 * Sends raw bytes on a fresh connection and reports what came back within
 * `waitMs`: the response frames (without their size prefix) and whether the
 * broker closed the connection. For requests the protocol layer would refuse
 * to encode: trailing bytes, versions nobody speaks.
 */
export async function rawExchange(
  bootstrap: string,
  bytes: Buffer,
  waitMs = 1500,
): Promise<{ frames: Buffer[]; closed: boolean }> {
  const at = bootstrap.lastIndexOf(':')
  const socket = connect({ host: bootstrap.slice(0, at), port: Number(bootstrap.slice(at + 1)) })
  const frames: Buffer[] = []
  let pending = Buffer.alloc(0)
  let closed = false
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk])
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      frames.push(pending.subarray(4, 4 + pending.readInt32BE(0)))
      pending = pending.subarray(4 + pending.readInt32BE(0))
    }
  })
  socket.on('error', () => {})
  socket.on('close', () => {
    closed = true
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  socket.write(bytes)
  await new Promise((resolve) => setTimeout(resolve, waitMs))
  socket.destroy()
  return { frames, closed }
}

/** A request frame with `extra` bytes after its body, its size prefix fixed up. */
export function withTrailingBytes(frame: Buffer, extra: Buffer): Buffer {
  const out = Buffer.concat([frame, extra])
  out.writeInt32BE(out.length - 4, 0)
  return out
}
