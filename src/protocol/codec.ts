import { ProtocolError } from './protocol-error.js'
import type { Reader } from './reader.js'
import { type FieldSpec, inVersionRange, type MessageSpec, type PrimitiveType } from './schema.js'
import { Writer } from './writer.js'

/**
 * Encodes and decodes any message at any version from its schema.
 *
 * Each (schema, version) pair is compiled once into a tree of small closures —
 * one per field, chosen for that version's encoding (classic or compact,
 * nullable or not, tagged or not) — and cached. Encoding and decoding then walk
 * that tree with no per-field version checks. Closures rather than generated
 * source keep the hot path readable and free of eval; bench/protocol measures it.
 */
export interface MessageCodec<T = any, I = T> {
  readonly version: number
  readonly flexible: boolean
  encode(writer: Writer, value: I): void
  decode(reader: Reader): T
}

interface FieldCodec {
  encode(w: Writer, v: any): void
  decode(r: Reader): any
  /** Smallest number of bytes one value can take, to bound array counts. */
  readonly minBytes: number
}

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'
const EMPTY = Buffer.alloc(0)

const cache = new WeakMap<MessageSpec, Map<number, MessageCodec>>()

/** The codec for one message at one version; compiled on first use. */
export function messageCodec(spec: MessageSpec, version: number): MessageCodec {
  let byVersion = cache.get(spec)
  if (!byVersion) {
    byVersion = new Map()
    cache.set(spec, byVersion)
  }
  let codec = byVersion.get(version)
  if (!codec) {
    if (!inVersionRange(version, spec.validVersions)) {
      throw new ProtocolError(
        `${spec.name} version ${version} is outside the supported range ${spec.validVersions}`,
      )
    }
    const flexible = inVersionRange(version, spec.flexibleVersions)
    const struct = compileStruct(spec.name, spec.fields, version, flexible)
    codec = { version, flexible, encode: struct.encode, decode: struct.decode }
    byVersion.set(version, codec)
  }
  return codec
}

/** Encodes one message body to a fresh buffer. */
export function encodeMessage(spec: MessageSpec, version: number, value: object): Buffer {
  const w = new Writer()
  messageCodec(spec, version).encode(w, value)
  return w.finish()
}

/** The value a field holds when it is absent from a version or not sent. */
export function defaultValue(field: FieldSpec): any {
  const d = field.default
  if (field.type.startsWith('[]')) return d === null ? null : []
  if (field.fields) return d === null ? null : defaultStruct(field.fields)
  if (d === null) return null
  switch (field.type as PrimitiveType) {
    case 'bool':
      return d === undefined ? false : d === true || d === 'true'
    case 'int64':
      return d === undefined ? 0n : BigInt(d as number | bigint | string)
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'float64':
      return d === undefined ? 0 : Number(d)
    case 'string':
      return d === undefined ? '' : String(d)
    case 'uuid':
      return d === undefined ? ZERO_UUID : String(d)
    case 'bytes':
      return EMPTY
    case 'records':
      return null
    default:
      throw new Error(`field ${field.name}: unknown type ${field.type}`)
  }
}

function defaultStruct(fields: readonly FieldSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) out[f.name] = defaultValue(f)
  return out
}

function compileStruct(
  path: string,
  fields: readonly FieldSpec[],
  version: number,
  flexible: boolean,
): FieldCodec {
  const names: string[] = []
  const kinds: ('wire' | 'tagged' | 'absent')[] = []
  const codecs: (FieldCodec | null)[] = []
  const defaults: FieldSpec[] = []
  const tagged: { tag: number; name: string; field: FieldSpec; codec: FieldCodec }[] = []
  let minBytes = flexible ? 1 : 0

  for (const field of fields) {
    names.push(field.name)
    defaults.push(field)
    const present = inVersionRange(version, field.versions)
    const isTagged = flexible && present && inVersionRange(version, field.taggedVersions)
    if (!present) {
      kinds.push('absent')
      codecs.push(null)
    } else if (isTagged) {
      if (field.tag === undefined) throw new Error(`${path}.${field.name}: tagged field without a tag`)
      const codec = compileField(`${path}.${field.name}`, field, version, flexible)
      tagged.push({ tag: field.tag, name: field.name, field, codec })
      kinds.push('tagged')
      codecs.push(null)
    } else {
      const codec = compileField(`${path}.${field.name}`, field, version, flexible)
      minBytes += codec.minBytes
      kinds.push('wire')
      codecs.push(codec)
    }
  }
  tagged.sort((a, b) => a.tag - b.tag)
  const taggedByTag = new Map(tagged.map((t) => [t.tag, t]))
  const count = names.length

  return {
    minBytes,
    encode(w, value) {
      if (value === null || typeof value !== 'object') {
        throw new ProtocolError(`${path}: expected an object, got ${value === null ? 'null' : typeof value}`)
      }
      for (let i = 0; i < count; i++) {
        const codec = codecs[i]
        if (codec === null) continue
        const v = value[names[i]]
        codec.encode(w, v === undefined ? defaultValue(defaults[i]) : v)
      }
      if (flexible) encodeTaggedFields(w, value, tagged)
    },
    decode(r) {
      const out: Record<string, unknown> = {}
      for (let i = 0; i < count; i++) {
        const codec = codecs[i]
        out[names[i]] = codec === null ? defaultValue(defaults[i]) : codec.decode(r)
      }
      if (flexible) {
        r.readTaggedFields((tag, sub) => {
          const t = taggedByTag.get(tag)
          if (!t) return false // unknown tags are skipped, as KIP-482 requires
          out[t.name] = t.codec.decode(sub)
          return true
        })
      }
      return out
    },
  }
}

function encodeTaggedFields(
  w: Writer,
  value: Record<string, unknown>,
  tagged: readonly { tag: number; name: string; field: FieldSpec; codec: FieldCodec }[],
): void {
  let present = 0
  for (const t of tagged) if (!isDefault(t.field, value[t.name])) present++
  w.writeUVarint(present)
  if (present === 0) return
  for (const t of tagged) {
    const v = value[t.name]
    if (isDefault(t.field, v)) continue
    const sub = new Writer(64)
    t.codec.encode(sub, v)
    const bytes = sub.finish()
    w.writeUVarint(t.tag)
    w.writeUVarint(bytes.length)
    w.writeRaw(bytes)
  }
}

/** Tagged fields equal to their default are not sent (KIP-482). */
function isDefault(field: FieldSpec, v: unknown): boolean {
  if (v === undefined) return true
  return deepEqual(v, defaultValue(field))
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Buffer.isBuffer(a) || a instanceof Uint8Array) {
    return b instanceof Uint8Array && Buffer.compare(a as Uint8Array, b) === 0
  }
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
  }
  const bo = b as Record<string, unknown>
  return Object.keys(bo).every((k) => deepEqual((a as Record<string, unknown>)[k], bo[k]))
}

function compileField(path: string, field: FieldSpec, version: number, messageFlexible: boolean): FieldCodec {
  const flexible =
    field.flexibleVersions === undefined ? messageFlexible : inVersionRange(version, field.flexibleVersions)
  const nullable = inVersionRange(version, field.nullableVersions)
  if (field.type.startsWith('[]')) {
    const element = field.fields
      ? compileStruct(path, field.fields, version, flexible)
      : primitiveCodec(path, field.type.slice(2) as PrimitiveType, flexible, false)
    return arrayCodec(path, element, flexible, nullable)
  }
  if (field.fields) {
    const struct = compileStruct(path, field.fields, version, flexible)
    return nullable ? nullableStruct(struct) : struct
  }
  return primitiveCodec(path, field.type as PrimitiveType, flexible, nullable)
}

/** Nullable structs carry an int8 marker: -1 null, 1 present. */
function nullableStruct(struct: FieldCodec): FieldCodec {
  return {
    minBytes: 1,
    encode(w, v) {
      if (v === null) {
        w.writeInt8(-1)
        return
      }
      w.writeInt8(1)
      struct.encode(w, v)
    },
    decode(r) {
      return r.readInt8() < 0 ? null : struct.decode(r)
    },
  }
}

function arrayCodec(path: string, element: FieldCodec, flexible: boolean, nullable: boolean): FieldCodec {
  const minElement = Math.max(1, element.minBytes)
  return {
    minBytes: flexible ? 1 : 4,
    encode(w, v) {
      if (v === null) {
        if (!nullable) throw new ProtocolError(`${path}: null is not allowed in this version`)
        if (flexible) w.writeUVarint(0)
        else w.writeInt32(-1)
        return
      }
      if (!Array.isArray(v)) throw new ProtocolError(`${path}: expected an array`)
      if (flexible) w.writeUVarint(v.length + 1)
      else w.writeInt32(v.length)
      for (let i = 0; i < v.length; i++) element.encode(w, v[i])
    },
    decode(r) {
      const n = flexible ? r.readCompactArrayLength(minElement) : r.readArrayLength(minElement)
      if (n === null) {
        if (!nullable) throw new ProtocolError(`${path}: null array where none is allowed`)
        return null
      }
      const out = new Array(n)
      for (let i = 0; i < n; i++) out[i] = element.decode(r)
      return out
    },
  }
}

function notNull(path: string): never {
  throw new ProtocolError(`${path}: null is not allowed in this version`)
}

function primitiveCodec(path: string, type: PrimitiveType, flexible: boolean, nullable: boolean): FieldCodec {
  switch (type) {
    case 'bool':
      return { minBytes: 1, encode: (w, v) => w.writeBool(v), decode: (r) => r.readBool() }
    case 'int8':
      return { minBytes: 1, encode: (w, v) => w.writeInt8(v), decode: (r) => r.readInt8() }
    case 'int16':
      return { minBytes: 2, encode: (w, v) => w.writeInt16(v), decode: (r) => r.readInt16() }
    case 'uint16':
      return { minBytes: 2, encode: (w, v) => w.writeUInt16(v), decode: (r) => r.readUInt16() }
    case 'int32':
      return { minBytes: 4, encode: (w, v) => w.writeInt32(v), decode: (r) => r.readInt32() }
    case 'int64':
      return {
        minBytes: 8,
        encode: (w, v) => w.writeInt64(typeof v === 'bigint' ? v : BigInt(v)),
        decode: (r) => r.readInt64(),
      }
    case 'float64':
      return { minBytes: 8, encode: (w, v) => w.writeFloat64(v), decode: (r) => r.readFloat64() }
    case 'uuid':
      return { minBytes: 16, encode: (w, v) => w.writeUuid(v), decode: (r) => r.readUuid() }
    case 'string':
      return stringCodec(path, flexible, nullable)
    case 'bytes':
      return bytesCodec(path, flexible, nullable)
    case 'records':
      return recordsCodec(bytesCodec(path, flexible, nullable), flexible)
    default:
      throw new Error(`${path}: unknown type ${type}`)
  }
}

/** How one length-prefixed type (string or bytes) reads and writes a nullable value in one encoding. */
interface NullableIo {
  minBytes: number
  write: (w: Writer, v: any) => void
  read: (r: Reader) => any
}

const STRING_IO = {
  classic: { minBytes: 2, write: (w, v) => w.writeNullableString(v), read: (r) => r.readNullableString() },
  compact: {
    minBytes: 1,
    write: (w, v) => w.writeCompactNullableString(v),
    read: (r) => r.readCompactNullableString(),
  },
} satisfies Record<string, NullableIo>

const BYTES_IO = {
  classic: { minBytes: 4, write: (w, v) => w.writeNullableBytes(v), read: (r) => r.readNullableBytes() },
  compact: {
    minBytes: 1,
    write: (w, v) => w.writeCompactNullableBytes(v),
    read: (r) => r.readCompactNullableBytes(),
  },
} satisfies Record<string, NullableIo>

/** A string or bytes field: null is refused both ways unless the version allows it. */
function nullableCodec(path: string, io: NullableIo, nullable: boolean): FieldCodec {
  const { read, write } = io
  return {
    minBytes: io.minBytes,
    encode(w, v) {
      if (v === null && !nullable) notNull(path)
      write(w, v)
    },
    decode(r) {
      const v = read(r)
      if (v === null && !nullable) notNull(path)
      return v
    },
  }
}

function stringCodec(path: string, flexible: boolean, nullable: boolean): FieldCodec {
  return nullableCodec(path, flexible ? STRING_IO.compact : STRING_IO.classic, nullable)
}

function bytesCodec(path: string, flexible: boolean, nullable: boolean): FieldCodec {
  return nullableCodec(path, flexible ? BYTES_IO.compact : BYTES_IO.classic, nullable)
}

/**
 * Record sets are bytes on the wire, but a broker answering a fetch holds
 * them as separate stored batches: accepting a list lets it write them one
 * after another instead of first concatenating them into a copy.
 */
function recordsCodec(bytes: FieldCodec, flexible: boolean): FieldCodec {
  return {
    minBytes: bytes.minBytes,
    decode: bytes.decode,
    encode(w, v) {
      if (v === null || v === undefined) {
        bytes.encode(w, v)
        return
      }
      const parts: readonly Uint8Array[] = Array.isArray(v) ? v : [v]
      let length = 0
      for (const part of parts) length += part.length
      if (flexible) w.writeUVarint(length + 1)
      else w.writeInt32(length)
      for (const part of parts) w.writeLarge(part)
    },
  }
}
