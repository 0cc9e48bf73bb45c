import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy in front of Apache Kafka that loses produce answers, the
 * reference run's stand-in for the embedded broker's closeAfterHandling
 * fault: each Produce request goes through to Kafka, which stores it, and
 * when a chosen one's answer comes back the proxy closes the client's
 * connection instead of passing it on. The client never learns the batches
 * were stored and sends them again. Kafka advertises the proxy's port
 * (startKafka's advertisedPorts), so clients that follow Metadata stay on it.
 */

const PRODUCE = 0
const MAX_FRAME = 64 << 20

/** Cuts a byte stream into whole size-prefixed frames, prefix included. */
class FrameCutter {
  private pending: Buffer = Buffer.alloc(0)

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    const frames: Buffer[] = []
    while (this.pending.length >= 4) {
      const size = this.pending.readInt32BE(0)
      if (size < 0 || size > MAX_FRAME) throw new Error(`frame of ${size} bytes`)
      if (this.pending.length < 4 + size) break
      frames.push(this.pending.subarray(0, 4 + size))
      this.pending = this.pending.subarray(4 + size)
    }
    return frames
  }
}

export class LossyProxy {
  private upstreamPort = 0
  private produceRequests = 0
  private lostAnswers = 0
  private readonly sockets = new Set<Socket>()

  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** Given the 0-based index of a Produce request (in arrival order), whether to lose its answer. */
    private loseAnswer: (produceIndex: number) => boolean,
  ) {
    server.on('connection', (client) => this.relay(client))
  }

  /** Listens on a free 127.0.0.1 port; `forwardTo` names Kafka's port once Kafka runs. */
  static async listen(loseAnswer: (produceIndex: number) => boolean): Promise<LossyProxy> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('proxy has no TCP port')
    return new LossyProxy(server, address.port, loseAnswer)
  }

  forwardTo(port: number): void {
    this.upstreamPort = port
  }

  /** Starts over with another plan: counts from zero, and drops every connection of the last one. */
  reset(loseAnswer: (produceIndex: number) => boolean): void {
    for (const socket of this.sockets) socket.destroy()
    this.loseAnswer = loseAnswer
    this.produceRequests = 0
    this.lostAnswers = 0
  }

  /** Produce answers lost so far. */
  get lost(): number {
    return this.lostAnswers
  }

  private relay(client: Socket): void {
    if (this.upstreamPort === 0) {
      client.destroy()
      return
    }
    const upstream = connect({ host: '127.0.0.1', port: this.upstreamPort })
    this.sockets.add(client).add(upstream)
    const doomed = new Set<number>()
    const fromClient = new FrameCutter()
    const fromKafka = new FrameCutter()
    const closeBoth = () => {
      client.destroy()
      upstream.destroy()
    }
    const frames = (cutter: FrameCutter, chunk: Buffer): Buffer[] => {
      try {
        return cutter.push(chunk)
      } catch {
        // not Kafka framing: nothing sensible to relay
        closeBoth()
        return []
      }
    }
    client.on('data', (chunk: Buffer) => {
      for (const frame of frames(fromClient, chunk)) {
        // request header: size, api key (int16), api version (int16), correlation id (int32)
        if (frame.length >= 12 && frame.readInt16BE(4) === PRODUCE) {
          if (this.loseAnswer(this.produceRequests++)) doomed.add(frame.readInt32BE(8))
        }
        upstream.write(frame)
      }
    })
    upstream.on('data', (chunk: Buffer) => {
      for (const frame of frames(fromKafka, chunk)) {
        // response header: size, correlation id
        if (doomed.has(frame.readInt32BE(4))) {
          this.lostAnswers++
          closeBoth()
          return
        }
        client.write(frame)
      }
    })
    for (const socket of [client, upstream]) {
      socket.on('error', closeBoth)
      socket.on('close', () => {
        this.sockets.delete(socket)
        closeBoth()
      })
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}
