import fc from 'fast-check'
import { seededUint32 } from '../../src/cli/demo/seeded-random.js'
import type { ApiDefinition } from '../../src/protocol/api.js'
import { encodeMessage } from '../../src/protocol/codec.js'
import { requestHeaderVersion, writeRequestHeader } from '../../src/protocol/headers.js'
import { inVersionRange, type MessageInput } from '../../src/protocol/schema.js'
import { Writer } from '../../src/protocol/writer.js'
import { applyMutations, type Mutation, mutationsArbitrary } from '../protocol/malformed/mutation.js'
import { messageArbitrary } from '../protocol/support/message-arbitrary.js'

/**
 * Request frames to throw at a broker: valid ones of any API and version with
 * random field values, and cheap damaged variants of them. The broker fuzz
 * test draws them one by one through fast-check; the soak (bench/soak) draws
 * a pool once per run and then damages frames from it in a tight loop, since
 * fast-check per frame would make the load generator, not the broker, the
 * bottleneck of a million-frame run.
 */

const FUZZ_CLIENT_ID = 'fuzz'

/** A valid request without its size prefix, and where its header ends. */
export interface BaseFrame {
  apiKey: number
  apiName: string
  apiVersion: number
  /** Header and body, as a frame splitter hands them to the broker. */
  payload: Buffer
  /** Bytes of `payload` taken by the request header. */
  headerBytes: number
}

/** Encodes header and body of one request (correlation id 1, client id "fuzz"), without the size prefix. */
export function encodeBaseFrame<A extends ApiDefinition>(
  api: A,
  version: number,
  body: MessageInput<A['request']> | Record<string, unknown>,
): BaseFrame {
  const flexible = inVersionRange(version, api.request.flexibleVersions)
  const w = new Writer()
  writeRequestHeader(w, requestHeaderVersion(flexible), {
    requestApiKey: api.key,
    requestApiVersion: version,
    correlationId: 1,
    clientId: FUZZ_CLIENT_ID,
  })
  const headerBytes = w.offset
  w.writeRaw(encodeMessage(api.request, version, body as Record<string, unknown>))
  return { apiKey: api.key, apiName: api.name, apiVersion: version, payload: w.finish(), headerBytes }
}

/** Valid requests of one API version, every field of the version set to a random value of its type. */
export function baseFrameArbitrary(api: ApiDefinition, version: number): fc.Arbitrary<BaseFrame> {
  return messageArbitrary(api.request, version).map((body) => encodeBaseFrame(api, version, body))
}

/** A whole request (header and body, no size prefix) for one API version. */
export function frameArbitrary(api: ApiDefinition, version: number): fc.Arbitrary<Buffer> {
  return baseFrameArbitrary(api, version).map((frame) => frame.payload)
}

/** Puts the 4-byte size prefix a Kafka frame starts with in front of `payload`. */
export function withSize(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.length)
  out.writeInt32BE(payload.length, 0)
  payload.copy(out, 4)
  return out
}

/** `count` valid requests of one API version, reproducible from `seed`. */
export function sampleBaseFrames(
  api: ApiDefinition,
  version: number,
  count: number,
  seed: number,
): BaseFrame[] {
  return fc.sample(baseFrameArbitrary(api, version), { numRuns: count, seed })
}

/** `count` lists of one to three mutations (test/protocol/malformed/mutation.ts), reproducible from `seed`. */
export function sampleMutations(count: number, seed: number): Mutation[][] {
  return fc.sample(mutationsArbitrary, { numRuns: count, seed })
}

/** A small seeded generator (mulberry32), far cheaper per draw than fast-check and good enough for fuzzing. */
export class FastRandom {
  /** A uniform 32-bit unsigned integer. */
  readonly uint32: () => number

  constructor(seed: number) {
    this.uint32 = seededUint32(seed)
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.uint32() / 0x1_0000_0000) * n)
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1)
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]
  }

  fill(bytes: Buffer): Buffer {
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.uint32() & 0xff
    return bytes
  }
}

/**
 * What a fuzz frame is:
 * - valid: a schema-valid request with random field values, unchanged;
 * - mutated: a valid request with one to three mutations (cut, flipped,
 *   overwritten, inserted or deleted bytes, hostile int16/int32/varint
 *   lengths), size prefix matching the damaged bytes;
 * - random-body: a valid request header followed by random bytes;
 * - random: random bytes behind a size prefix that matches them;
 * - hostile-size: a size prefix that lies (negative, below the 8-byte
 *   minimum, above any request limit, or longer than the bytes that follow).
 */
export type FuzzFrameKind = 'valid' | 'mutated' | 'random-body' | 'random' | 'hostile-size'

export const FUZZ_FRAME_KINDS: readonly FuzzFrameKind[] = [
  'valid',
  'mutated',
  'random-body',
  'random',
  'hostile-size',
]

export interface FuzzFrame {
  kind: FuzzFrameKind
  /** Exactly what goes on the wire, size prefix included. */
  bytes: Buffer
  /**
   * True when the size prefix matches the bytes that follow, so the broker
   * has a whole frame and owes an answer or a closed connection; false for a
   * size prefix that lies, after which the sender should hang up itself.
   */
  complete: boolean
  /** The valid request it came from, for valid, mutated and random-body frames. */
  base: BaseFrame | null
}

/** Relative weights of the kinds; they need not add up to anything. */
export type FuzzMix = Readonly<Record<FuzzFrameKind, number>>

export const DEFAULT_FUZZ_MIX: FuzzMix = {
  valid: 10,
  mutated: 60,
  'random-body': 12,
  random: 12,
  'hostile-size': 6,
}

/** Size prefixes no broker may trust: negative, too small to hold a header, or far too large. */
const LYING_SIZES = [
  -1,
  -2,
  -0x8000_0000,
  0,
  1,
  4,
  7,
  0x7fff_ffff,
  0x1000_0000,
  100 * 1024 * 1024 + 1,
] as const

/**
 * Makes fuzz frames from a pool of valid requests and a pool of mutation
 * lists, both drawn once through fast-check: each frame combines a random
 * request with a random mutation list (positions are taken modulo the frame's
 * length, so the same list lands differently on each request), which keeps a
 * frame to a couple of buffer copies.
 */
export class FrameFuzzer {
  private readonly random: FastRandom
  private readonly noise: Buffer
  private readonly kinds: FuzzFrameKind[] = []
  private readonly cumulative: number[] = []
  private readonly total: number

  constructor(
    private readonly bases: readonly BaseFrame[],
    private readonly mutations: readonly Mutation[][],
    seed: number,
    mix: FuzzMix = DEFAULT_FUZZ_MIX,
  ) {
    if (bases.length === 0) throw new Error('FrameFuzzer needs at least one base frame')
    if (mutations.length === 0) throw new Error('FrameFuzzer needs at least one mutation list')
    this.random = new FastRandom(seed)
    this.noise = this.random.fill(Buffer.allocUnsafe(64 * 1024))
    let sum = 0
    for (const kind of FUZZ_FRAME_KINDS) {
      if (mix[kind] <= 0) continue
      sum += mix[kind]
      this.kinds.push(kind)
      this.cumulative.push(sum)
    }
    if (sum === 0) throw new Error('FrameFuzzer mix has no positive weight')
    this.total = sum
  }

  next(): FuzzFrame {
    const roll = this.random.below(this.total)
    let i = 0
    while (this.cumulative[i] <= roll) i++
    const kind = this.kinds[i]
    switch (kind) {
      case 'valid': {
        const base = this.random.pick(this.bases)
        return { kind, bytes: withSize(base.payload), complete: true, base }
      }
      case 'mutated': {
        const base = this.random.pick(this.bases)
        const damaged = applyMutations(base.payload, this.random.pick(this.mutations))
        return { kind, bytes: withSize(damaged), complete: true, base }
      }
      case 'random-body': {
        const base = this.random.pick(this.bases)
        const body = this.randomBytes(this.random.between(0, 256))
        const payload = Buffer.concat([base.payload.subarray(0, base.headerBytes), body])
        return { kind, bytes: withSize(payload), complete: true, base }
      }
      case 'random':
        return {
          kind,
          bytes: withSize(this.randomBytes(this.random.between(8, 512))),
          complete: true,
          base: null,
        }
      case 'hostile-size':
        return this.hostileSize()
    }
  }

  private hostileSize(): FuzzFrame {
    const payload = this.random.pick(this.bases).payload
    const bytes = withSize(payload)
    if (this.random.below(2) === 0) {
      // a frame cut short: the prefix promises 1 to 4096 bytes more than will ever come
      bytes.writeInt32BE(payload.length + this.random.between(1, 4096), 0)
    } else {
      bytes.writeInt32BE(this.random.pick(LYING_SIZES), 0)
    }
    return { kind: 'hostile-size', bytes, complete: false, base: null }
  }

  /** A view of `n` random bytes (n at most 64 KiB); the frame copies it. */
  private randomBytes(n: number): Buffer {
    const at = this.random.below(this.noise.length - n + 1)
    return this.noise.subarray(at, at + n)
  }
}
