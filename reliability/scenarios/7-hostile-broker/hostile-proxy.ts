import { connect, createServer, type Server, type Socket } from 'node:net'
import { seededRandom } from '../../../src/cli/demo/seeded-random.js'
import { FrameSplitter } from '../../../src/protocol/frame-splitter.js'

/**
 * A fake broker that answers badly: a proxy in front of a real embedded
 * broker (so that every kind of request gets a valid answer to start from:
 * ApiVersions, Metadata, Produce, Fetch, the group protocol, admin calls),
 * which hands each answer to the client with a fate drawn from a seeded
 * random stream: passed through, cut short, announced larger than it is
 * (beyond any limit, or by a few bytes), a few bytes changed, its
 * correlation id changed, swapped with the next answer, sent twice,
 * replaced by noise, or the connection hung up instead. The broker never
 * sees the damage; a client connection and its upstream one live and die
 * together. `hostile = false` lets everything through (the calm after).
 */

export const FATES = [
  'good',
  'mutated',
  'truncated',
  'oversized',
  'overlong',
  'unknown-id',
  'out-of-order',
  'duplicate',
  'noise',
  'hang-up',
] as const
export type Fate = (typeof FATES)[number]

/** Half the answers good, so that clients get far enough to send every kind of request. */
const WEIGHTS: Readonly<Record<Fate, number>> = {
  good: 50,
  mutated: 15,
  truncated: 8,
  oversized: 4,
  overlong: 3,
  'unknown-id': 5,
  'out-of-order': 5,
  duplicate: 3,
  noise: 4,
  'hang-up': 3,
}
const TOTAL_WEIGHT = FATES.reduce((sum, f) => sum + WEIGHTS[f], 0)
/** An answer held back to be sent after the next one goes out alone after this long. */
const HOLD_MS = 50

function sized(size: number, body: Buffer): Buffer {
  const prefix = Buffer.alloc(4)
  prefix.writeInt32BE(size)
  return Buffer.concat([prefix, body])
}

export class HostileProxy {
  readonly fates = Object.fromEntries(FATES.map((f) => [f, 0])) as Record<Fate, number>
  /** Requests the clients sent (whole frames, counted on their way to the broker). */
  requests = 0
  /** Answers handed to the clients, whatever their fate. */
  answers = 0
  /** Client connections accepted: every one after the first is a reconnect. */
  accepted = 0
  hostile = true
  private readonly random: () => number
  private readonly sockets = new Set<Socket>()
  private readonly server: Server
  port = 0

  /** The broker's port: set once it listens (it advertises this proxy's port, so it starts second). */
  upstreamPort = 0

  constructor(seed: number) {
    this.random = seededRandom(seed)
    this.server = createServer((client) => this.serve(client))
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.address() as { port: number }).port
    return this.port
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise((resolve) => this.server.close(resolve))
  }

  private int(below: number): number {
    return Math.floor(this.random() * below)
  }

  private pick(): Fate {
    let r = this.random() * TOTAL_WEIGHT
    for (const f of FATES) {
      r -= WEIGHTS[f]
      if (r < 0) return f
    }
    return 'good'
  }

  private serve(client: Socket): void {
    this.accepted++
    const upstream = connect(this.upstreamPort, '127.0.0.1')
    for (const s of [client, upstream]) {
      this.sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => {
        this.sockets.delete(s)
        client.destroy()
        upstream.destroy()
      })
    }
    // requests pass unchanged; they are split only to be counted
    const requests = new FrameSplitter(2 ** 31 - 1, 4)
    client.on('data', (chunk) => {
      upstream.write(chunk)
      try {
        this.requests += requests.push(chunk).length
      } catch {
        client.destroy()
      }
    })
    const answers = new FrameSplitter(2 ** 31 - 1, 4)
    let held: { bytes: Buffer; timer: NodeJS.Timeout } | undefined
    const release = () => {
      if (!held) return
      clearTimeout(held.timer)
      client.write(held.bytes)
      held = undefined
    }
    upstream.on('data', (chunk) => {
      let frames: Buffer[]
      try {
        frames = answers.push(chunk)
      } catch {
        client.destroy()
        return
      }
      for (const frame of frames) {
        this.answers++
        const fate = this.hostile ? this.pick() : 'good'
        this.fates[fate]++
        if (fate === 'hang-up') {
          client.destroy()
          return
        }
        if (fate === 'out-of-order' && !held) {
          held = { bytes: sized(frame.length, frame), timer: setTimeout(release, HOLD_MS) }
          continue
        }
        client.write(this.damage(fate, frame))
        release()
      }
    })
  }

  /** The bytes a fate sends for one answer (`frame` without its size prefix). */
  private damage(fate: Fate, frame: Buffer): Buffer {
    switch (fate) {
      case 'mutated': {
        const copy = Buffer.from(frame)
        for (let n = 1 + this.int(4); n > 0; n--) copy[this.int(copy.length)] = this.int(256)
        return sized(copy.length, copy)
      }
      case 'truncated': {
        const cut = this.int(frame.length)
        return sized(cut, frame.subarray(0, cut))
      }
      case 'oversized':
        // beyond the client's 256 MiB limit, or within it and never sent
        return sized(
          this.random() < 0.5 ? 2 ** 31 - 1 - this.int(1000) : frame.length + 1 + this.int(2 ** 28),
          frame,
        )
      case 'overlong':
        return sized(frame.length + 1 + this.int(1000), frame)
      case 'unknown-id': {
        const copy = Buffer.from(frame)
        copy.writeInt32BE(this.int(2 ** 31), 0)
        return sized(copy.length, copy)
      }
      case 'duplicate':
        return Buffer.concat([sized(frame.length, frame), sized(frame.length, frame)])
      case 'noise': {
        const noise = Buffer.alloc(4 + this.int(frame.length * 2 + 1))
        for (let i = 4; i < noise.length; i++) noise[i] = this.int(256)
        frame.copy(noise, 0, 0, 4)
        return sized(noise.length, noise)
      }
      default:
        return sized(frame.length, frame)
    }
  }
}
