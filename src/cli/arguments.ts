import { InvalidArgumentError } from 'commander'

/** Parsers for option values; commander reports their errors as usage errors naming the option. */

export function integerArg(name: string, min = 0) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value)))
      throw new InvalidArgumentError(`${name} must be an integer of at least ${min}, got "${value}"`)
    return Number(value)
  }
}

export function positiveNumberArg(name: string) {
  return (value: string): number => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`)
    return n
  }
}

/** `k=v`, collected into a list (the option may repeat). */
export function keyValueArg(name: string) {
  return (value: string, previous: [string, string][] = []): [string, string][] => {
    const at = value.indexOf('=')
    if (at <= 0) throw new InvalidArgumentError(`${name} must be key=value, got "${value}"`)
    return [...previous, [value.slice(0, at), value.slice(at + 1)]]
  }
}

/** A repeatable option collected into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/** Milliseconds since the epoch from an ISO 8601 date-time (`2026-12-07T10:00:00Z`). */
export function dateTimeArg(name: string) {
  return (value: string): number => {
    const ms = Date.parse(value)
    if (Number.isNaN(ms))
      throw new InvalidArgumentError(`${name} must be an ISO 8601 date-time, got "${value}"`)
    return ms
  }
}

/** A start position: earliest, latest (or their aliases) or an offset. */
export type OffsetTarget = 'earliest' | 'latest' | bigint

export function offsetTargetArg(name: string, aliases: Record<string, 'earliest' | 'latest'>) {
  return (value: string): OffsetTarget => {
    const named = aliases[value]
    if (named) return named
    if (/^\d+$/.test(value)) return BigInt(value)
    throw new InvalidArgumentError(
      `${name} must be ${Object.keys(aliases).join(', ')} or an offset, got "${value}"`,
    )
  }
}
