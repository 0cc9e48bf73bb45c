import { ClientConfigError } from './errors.js'

/**
 * Checks for option values, each naming the key it checks so a bad
 * configuration fails at construction with the key and the reason.
 */

export function optionalInteger(
  key: string,
  value: unknown,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ClientConfigError(key, `must be an integer, got ${describe(value)}`)
  }
  if (value < min || value > max) {
    throw new ClientConfigError(key, `must be between ${min} and ${max}, got ${value}`)
  }
  return value
}

/** An integer count where Infinity is also allowed (retries: "until the deadline"). */
export function optionalCount(key: string, value: unknown, fallback: number): number {
  if (value === Number.POSITIVE_INFINITY) return value
  return optionalInteger(key, value, fallback)
}

export function optionalNumber(
  key: string,
  value: unknown,
  fallback: number,
  { min = 0, max = Number.MAX_VALUE }: { min?: number; max?: number } = {},
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ClientConfigError(key, `must be a number, got ${describe(value)}`)
  }
  if (value < min || value > max)
    throw new ClientConfigError(key, `must be between ${min} and ${max}, got ${value}`)
  return value
}

export function optionalString(key: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string') throw new ClientConfigError(key, `must be a string, got ${describe(value)}`)
  return value
}

export function optionalBoolean(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean')
    throw new ClientConfigError(key, `must be true or false, got ${describe(value)}`)
  return value
}

export function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ClientConfigError(key, `must be one of ${allowed.join(', ')}, got ${describe(value)}`)
  }
  return value as T
}

/** Refuses keys the options type does not have: a typo would otherwise be silently ignored. */
export function noUnknownKeys(prefix: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if ((value as Record<string, unknown>)[key] === undefined) continue
    if (!known.includes(key)) {
      throw new ClientConfigError(
        prefix ? `${prefix}.${key}` : key,
        `is not an option (known: ${known.join(', ')})`,
      )
    }
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'object') return 'an object'
  return String(value)
}
