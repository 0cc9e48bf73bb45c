import { connect, type Socket } from 'node:net'
import { FrameSplitter } from '../../src/protocol/frame-splitter.js'
import { decodeResponse, encodeRequest } from '../../src/protocol/frames.js'
import { Apis } from '../../src/protocol/messages/index.js'

/**
 * Client connections that log on the way a real client does (an ApiVersions
 * request first) and then say nothing: the applications that keep a
 * connection to the broker open all day and use it once an hour. Each is a
 * bare socket, not a full client, so a thousand of them cost this process
 * next to nothing and the broker's side of them is what gets measured.
 */

const API_VERSIONS_VERSION = 3
/** Connections opened at once: enough to be quick, few enough not to overflow the listen backlog. */
const OPEN_CONCURRENCY = 50

class IdleConnection {
  private readonly splitter = new FrameSplitter(1 << 20, 4)
  private waiting: { resolve: () => void; reject: (err: Error) => void } | null = null
  private closed = false

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      let frames: Buffer[]
      try {
        frames = this.splitter.push(chunk)
      } catch (err) {
        socket.destroy()
        this.settle(err as Error)
        return
      }
      for (const frame of frames) {
        try {
          const response = decodeResponse(Apis.ApiVersions, API_VERSIONS_VERSION, frame).body
          if (response.errorCode !== 0) throw new Error(`ApiVersions answered error ${response.errorCode}`)
          this.settle(null)
        } catch (err) {
          this.settle(err as Error)
        }
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      this.closed = true
      this.settle(new Error('connection closed'))
    })
  }

  get isOpen(): boolean {
    return !this.closed
  }

  private settle(err: Error | null): void {
    const waiting = this.waiting
    this.waiting = null
    if (!waiting) return
    if (err) waiting.reject(err)
    else waiting.resolve()
  }

  /** One ApiVersions round trip on this connection. */
  apiVersions(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('connection closed'))
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject }
      this.socket.write(
        encodeRequest(
          Apis.ApiVersions,
          API_VERSIONS_VERSION,
          { correlationId: 1, clientId: 'bench-idle' },
          { clientSoftwareName: 'sluice-bench-idle', clientSoftwareVersion: '1' },
        ),
      )
    })
  }

  close(): void {
    this.socket.destroy()
  }
}

function openOne(host: string, port: number): Promise<IdleConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port })
    socket.once('error', reject)
    socket.once('connect', () => {
      socket.off('error', reject)
      resolve(new IdleConnection(socket))
    })
  })
}

export class IdleConnections {
  private constructor(private readonly connections: IdleConnection[]) {}

  /** Opens `count` connections, each answered one ApiVersions before it goes quiet. */
  static async open(bootstrap: string, count: number): Promise<IdleConnections> {
    const at = bootstrap.lastIndexOf(':')
    const host = bootstrap.slice(0, at)
    const port = Number(bootstrap.slice(at + 1))
    const connections: IdleConnection[] = []
    const set = new IdleConnections(connections)
    try {
      while (connections.length < count) {
        const batch = Math.min(OPEN_CONCURRENCY, count - connections.length)
        const opened = await Promise.all(Array.from({ length: batch }, () => openOne(host, port)))
        connections.push(...opened)
        await Promise.all(opened.map((c) => c.apiVersions()))
      }
    } catch (err) {
      set.close()
      throw err
    }
    return set
  }

  get size(): number {
    return this.connections.length
  }

  /** Connections the broker has not closed. */
  get open(): number {
    return this.connections.filter((c) => c.isOpen).length
  }

  /** Sends one more ApiVersions on every connection; how many answered. */
  async answering(): Promise<number> {
    const results = await Promise.allSettled(this.connections.map((c) => c.apiVersions()))
    return results.filter((r) => r.status === 'fulfilled').length
  }

  close(): void {
    for (const c of this.connections) c.close()
  }
}
