import { InvalidArgumentError } from '../errors.js'

/** Turns a key or value into bytes; null stays null (a null value is a tombstone). */
export type Serializer<T = unknown> = (value: T, topic: string) => Uint8Array | null

/** `auto` takes strings (UTF-8) and bytes as they are; `json` stringifies anything; or your own function. */
export type SerializerOption = 'auto' | 'string' | 'buffer' | 'json' | Serializer<any>

function autoBytes(what: 'key' | 'value'): Serializer {
  return (v) => {
    if (v === null || v === undefined) return null
    if (typeof v === 'string') return Buffer.from(v, 'utf8')
    if (v instanceof Uint8Array) return v
    throw new InvalidArgumentError(
      what,
      `is ${typeof v === 'object' ? 'an object' : `a ${typeof v}`}: give a string or bytes, or set ${what}Serializer (e.g. 'json')`,
    )
  }
}

function stringBytes(what: string): Serializer {
  return (v) => {
    if (v === null || v === undefined) return null
    if (typeof v !== 'string') throw new InvalidArgumentError(what, `the string serializer got a ${typeof v}`)
    return Buffer.from(v, 'utf8')
  }
}

function rawBytes(what: string): Serializer {
  return (v) => {
    if (v === null || v === undefined) return null
    if (!(v instanceof Uint8Array))
      throw new InvalidArgumentError(what, 'the buffer serializer takes a Buffer or Uint8Array')
    return v
  }
}

const json: Serializer = (v) =>
  v === null || v === undefined ? null : Buffer.from(JSON.stringify(v), 'utf8')

/** The serializer an option names. */
export function serializerFor(option: SerializerOption, what: 'key' | 'value'): Serializer {
  if (typeof option === 'function') return option
  switch (option) {
    case 'auto':
      return autoBytes(what)
    case 'string':
      return stringBytes(what)
    case 'buffer':
      return rawBytes(what)
    case 'json':
      return json
  }
}

/** Header values may be strings (UTF-8) or bytes; a map or a list of pairs (a list keeps repeated names). */
export type HeadersInput =
  | Readonly<Record<string, string | Uint8Array | null>>
  | readonly (readonly [string, string | Uint8Array | null])[]

export function headerList(headers: HeadersInput | undefined): { key: string; value: Uint8Array | null }[] {
  if (headers === undefined) return []
  const entries = Array.isArray(headers) ? headers : Object.entries(headers)
  return entries.map(([key, value]) => ({
    key,
    value: value === null ? null : typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
  }))
}
