import fc from 'fast-check'

/**
 * Damage done to a valid encoding, shaped after what goes wrong on a real
 * connection or what a hostile peer sends: a cut-off frame, flipped or
 * overwritten bytes, bytes slipped in or lost, a length field replaced with a
 * negative or enormous value, a varint whose continuation bit never clears.
 *
 * Positions are plain naturals reduced modulo the size of the bytes when the
 * mutation is applied, so fast-check can shrink them without knowing that size.
 */
export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'int32'; at: number; value: number }
  | { kind: 'int16'; at: number; value: number }
  | { kind: 'varint'; at: number; bytes: Uint8Array }

/** int32 length values a hostile peer would try: the extremes and small negatives other than -1. */
export const HOSTILE_INT32 = [0x7fffffff, 0xffffffff, 0x80000000, 0xfffffffe, 0x7ffffffe, 0x10000000] as const
/** int16 length values: a string length of 0x7fff, -1 (null), -2, the most negative. */
export const HOSTILE_INT16 = [0x7fff, 0xffff, 0xfffe, 0x8000] as const

/**
 * Unsigned varints a hostile peer would try: continuation runs of 5 to 12
 * bytes that never end (or end too late), and the largest values that still
 * fit in 32 bits, which as compact lengths claim about 2^31 or 2^32 items.
 */
const HOSTILE_VARINTS: readonly Uint8Array[] = [
  ...[5, 6, 7, 10, 11, 12].map((n) => new Uint8Array(n).fill(0xff)),
  Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x07]),
  Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
  Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x08]),
  Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x1f]),
  Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
]

const position = fc.nat({ max: 1 << 20 })
const someBytes = fc.uint8Array({ minLength: 1, maxLength: 8 })

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('flip' as const), at: position, mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('overwrite' as const), at: position, bytes: someBytes }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: someBytes }),
  fc.record({ kind: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('int32' as const), at: position, value: fc.constantFrom(...HOSTILE_INT32) }),
  fc.record({ kind: fc.constant('int16' as const), at: position, value: fc.constantFrom(...HOSTILE_INT16) }),
  fc.record({
    kind: fc.constant('varint' as const),
    at: position,
    bytes: fc.constantFrom(...HOSTILE_VARINTS),
  }),
)

/** Applies one mutation to a copy; positions below `from` are left alone. */
export function applyMutation(input: Uint8Array, m: Mutation, from = 0): Buffer {
  const bytes = Buffer.from(input)
  const start = Math.min(from, bytes.length)
  // a position in [start, length]: the end itself is a valid place to insert or cut
  const at = start + (m.at % (bytes.length - start + 1))
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, at)
    case 'flip':
      if (at < bytes.length) bytes[at] ^= m.mask
      return bytes
    case 'overwrite':
      return overwrite(bytes, at, m.bytes)
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)])
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.count)])
    case 'int32': {
      const field = Buffer.alloc(4)
      field.writeUInt32BE(m.value)
      return overwrite(bytes, at, field)
    }
    case 'int16': {
      const field = Buffer.alloc(2)
      field.writeUInt16BE(m.value)
      return overwrite(bytes, at, field)
    }
    case 'varint':
      return overwrite(bytes, at, m.bytes)
  }
}

/** Writes `patch` at `at`, growing the buffer when the patch runs past its end. */
function overwrite(bytes: Buffer, at: number, patch: Uint8Array): Buffer {
  const out =
    at + patch.length > bytes.length
      ? Buffer.concat([bytes, Buffer.alloc(at + patch.length - bytes.length)])
      : bytes
  out.set(patch, at)
  return out
}

export function applyMutations(input: Uint8Array, mutations: readonly Mutation[], from = 0): Buffer {
  let bytes: Buffer = Buffer.from(input)
  for (const m of mutations) bytes = applyMutation(bytes, m, from)
  return bytes
}

/** One to three mutations, applied in order. */
export const mutationsArbitrary = fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 })

/**
 * Valid encodings from `valid`, each damaged by one to three mutations at or
 * after `from`. The value carries the original too so a failure report shows
 * what was damaged and how.
 */
export function mutatedArbitrary(
  valid: fc.Arbitrary<Buffer>,
  from = 0,
): fc.Arbitrary<{ original: Buffer; mutations: Mutation[]; bytes: Buffer }> {
  return fc.tuple(valid, mutationsArbitrary).map(([original, mutations]) => ({
    original,
    mutations,
    bytes: applyMutations(original, mutations, from),
  }))
}
