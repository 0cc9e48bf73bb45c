import fc from 'fast-check'
import { defaultValue } from '../../../src/protocol/codec.js'
import {
  type FieldSpec,
  inVersionRange,
  type MessageSpec,
  parseVersionRange,
} from '../../../src/protocol/schema.js'

/**
 * fast-check arbitraries derived from a message schema: for one version, every
 * field that exists in it gets a random value of its type (null where nullable,
 * empty and non-empty arrays, tagged fields set and unset); fields absent from
 * the version hold their defaults, which is exactly what decoding yields.
 */
export function messageArbitrary(spec: MessageSpec, version: number): fc.Arbitrary<Record<string, unknown>> {
  const flexible = inVersionRange(version, spec.flexibleVersions)
  return structArbitrary(spec.fields, version, flexible, 0)
}

/** Every version a schema declares, as a list. */
export function versionsOf(spec: MessageSpec): number[] {
  const { min, max } = parseVersionRange(spec.validVersions)
  const out: number[] = []
  for (let v = min; v <= max; v++) out.push(v)
  return out
}

function structArbitrary(
  fields: readonly FieldSpec[],
  version: number,
  flexible: boolean,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {}
  for (const field of fields) {
    shape[field.name] = inVersionRange(version, field.versions)
      ? fieldArbitrary(field, version, flexible, depth)
      : fc.constant(null).map(() => defaultValue(field))
  }
  return fc.record(shape)
}

function fieldArbitrary(
  field: FieldSpec,
  version: number,
  flexible: boolean,
  depth: number,
): fc.Arbitrary<unknown> {
  const fieldFlexible =
    field.flexibleVersions === undefined ? flexible : inVersionRange(version, field.flexibleVersions)
  const nullable = inVersionRange(version, field.nullableVersions)
  let value: fc.Arbitrary<unknown>
  if (field.type.startsWith('[]')) {
    const element = field.fields
      ? structArbitrary(field.fields, version, fieldFlexible, depth + 1)
      : primitiveArbitrary(field.type.slice(2))
    value = fc.array(element, { maxLength: depth > 1 ? 2 : 3 })
  } else if (field.fields) {
    value = structArbitrary(field.fields, version, fieldFlexible, depth + 1)
  } else {
    value = primitiveArbitrary(field.type)
  }
  return nullable ? fc.option(value, { nil: null, freq: 4 }) : value
}

const uuid = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
  const h = Buffer.from(b).toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
})

function primitiveArbitrary(type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'bool':
      return fc.boolean()
    case 'int8':
      return fc.integer({ min: -128, max: 127 })
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 })
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 })
    case 'int32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    case 'float64':
      return fc.double({ noNaN: true })
    case 'string':
      return fc.string({ maxLength: 20, unit: 'grapheme' })
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 32 }).map((b) => Buffer.from(b))
    case 'uuid':
      return uuid
    default:
      throw new Error(`no arbitrary for type ${type}`)
  }
}
