/**
 * The data model every Kafka API is described in (one file per API key under
 * messages/). It mirrors the shape of Kafka's own JSON message definitions:
 * each field names the versions it exists in, the versions it may be null in,
 * and, for flexible versions (KIP-482), whether it travels as a tagged field.
 * The codec derives encoders and decoders from these descriptions; nothing is
 * hand-written per version.
 */

/** A version range as Kafka writes it: `"3+"`, `"0-7"`, `"5"` or `"none"`. */
export type VersionRange = string

export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid'

export interface FieldSpec {
  /** camelCase name of the decoded property. */
  readonly name: string
  /** A primitive, `[]primitive`, a struct name, or `[]StructName` (structs carry `fields`). */
  readonly type: string
  readonly versions: VersionRange
  readonly nullableVersions?: VersionRange
  /** Versions in which the field is sent in the tagged-field section, under `tag`. */
  readonly taggedVersions?: VersionRange
  readonly tag?: number
  /** Overrides the message's flexible versions for this field (RequestHeader's clientId). */
  readonly flexibleVersions?: VersionRange
  /** Value when absent from a version or not sent; numbers for int64 are widened to bigint. */
  readonly default?: number | bigint | string | boolean | null
  /** Sub-fields of a struct or struct array. */
  readonly fields?: readonly FieldSpec[]
}

export interface MessageSpec {
  readonly apiKey: number
  /** Kafka's message name, e.g. `ProduceRequest`. */
  readonly name: string
  /** 'data' for payloads carried inside other messages (the consumer protocol's subscription and assignment). */
  readonly type: 'request' | 'response' | 'header' | 'data'
  /** The versions Sluice encodes and decodes. */
  readonly validVersions: VersionRange
  readonly flexibleVersions: VersionRange
  readonly fields: readonly FieldSpec[]
}

interface PrimitiveValues {
  bool: boolean
  int8: number
  int16: number
  uint16: number
  int32: number
  int64: bigint
  float64: number
  string: string
  bytes: Buffer
  records: Buffer
  uuid: string
}

type NullOf<F> = F extends { readonly nullableVersions: string } ? null : never

/** The TypeScript type a field decodes to. */
export type FieldValue<F extends FieldSpec> = F extends {
  readonly fields: infer S extends readonly FieldSpec[]
}
  ? F['type'] extends `[]${string}`
    ? Struct<S>[] | NullOf<F>
    : Struct<S> | NullOf<F>
  : F['type'] extends `[]${infer E extends keyof PrimitiveValues}`
    ? PrimitiveValues[E][] | NullOf<F>
    : F['type'] extends keyof PrimitiveValues
      ? PrimitiveValues[F['type']] | NullOf<F>
      : unknown

/** A decoded struct: every field of every version is present (absent ones hold defaults). */
export type Struct<S extends readonly FieldSpec[]> = { [F in S[number] as F['name']]: FieldValue<F> }

/** A decoded message body. */
export type MessageOf<M extends MessageSpec> = Struct<M['fields']>

type FieldInput<F extends FieldSpec> = F extends { readonly fields: infer S extends readonly FieldSpec[] }
  ? F['type'] extends `[]${string}`
    ? StructInput<S>[] | NullOf<F>
    : StructInput<S> | NullOf<F>
  : F['type'] extends 'records'
    ? Uint8Array | readonly Uint8Array[] | NullOf<F>
    : F['type'] extends 'bytes' | '[]bytes'
      ? F['type'] extends `[]${string}`
        ? Uint8Array[] | NullOf<F>
        : Uint8Array | NullOf<F>
      : FieldValue<F>

/** What `encode` accepts: any field may be left out and takes its default. */
export type StructInput<S extends readonly FieldSpec[]> = { [F in S[number] as F['name']]?: FieldInput<F> }

export type MessageInput<M extends MessageSpec> = StructInput<M['fields']>

/** Parses a version range into inclusive bounds. */
export function parseVersionRange(range: VersionRange): { min: number; max: number } {
  if (range === 'none') return { min: 1, max: 0 }
  const plus = /^(\d+)\+$/.exec(range)
  if (plus) return { min: Number(plus[1]), max: Number.POSITIVE_INFINITY }
  const span = /^(\d+)-(\d+)$/.exec(range)
  if (span) return { min: Number(span[1]), max: Number(span[2]) }
  if (/^\d+$/.test(range)) return { min: Number(range), max: Number(range) }
  throw new Error(`invalid version range "${range}"`)
}

export function inVersionRange(version: number, range: VersionRange | undefined): boolean {
  if (range === undefined) return false
  const { min, max } = parseVersionRange(range)
  return version >= min && version <= max
}
