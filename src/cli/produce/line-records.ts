import type { ProducerRecord } from '../../client/index.js'
import { UsageError } from '../cli-errors.js'

/** How `sluice produce` cuts an input line into a record. */
export interface LineFormat {
  /** The key is what comes before the first one; a line without it is a keyless record. */
  keySeparator?: string
  /**
   * Headers come first, as `k=v` pairs separated by commas, ended by this
   * separator: `trace=abc,source=web|key:value` with `|` and `:`.
   */
  headerSeparator?: string
  /** Headers added to every record (`--header k=v`), before a line's own. */
  headers: readonly (readonly [string, string])[]
  /** Set on every record (`--partition`); the partitioner chooses otherwise. */
  partition?: number
}

function parseHeaders(text: string, lineNumber: number): [string, string][] {
  if (text === '') return []
  return text.split(',').map((pair) => {
    const at = pair.indexOf('=')
    if (at <= 0) throw new UsageError(`line ${lineNumber}: header "${pair}" is not key=value`)
    return [pair.slice(0, at), pair.slice(at + 1)]
  })
}

/** One line, without its line ending, as a record; `lineNumber` (from 1) is for error messages. */
export function lineToRecord(line: string, format: LineFormat, lineNumber: number): ProducerRecord {
  let rest = line
  const headers: [string, string][] = format.headers.map(([k, v]) => [k, v])
  if (format.headerSeparator !== undefined) {
    const at = rest.indexOf(format.headerSeparator)
    if (at < 0)
      throw new UsageError(`line ${lineNumber}: no header separator "${format.headerSeparator}" in it`)
    headers.push(...parseHeaders(rest.slice(0, at), lineNumber))
    rest = rest.slice(at + format.headerSeparator.length)
  }
  const record: ProducerRecord = { value: rest }
  if (format.keySeparator !== undefined) {
    const at = rest.indexOf(format.keySeparator)
    if (at >= 0) {
      record.key = rest.slice(0, at)
      record.value = rest.slice(at + format.keySeparator.length)
    }
  }
  if (headers.length > 0) record.headers = headers
  if (format.partition !== undefined) record.partition = format.partition
  return record
}

/** Bytes a record puts on the wire as key, value and headers (for the summary's byte count and rate). */
export function recordBytes(record: ProducerRecord): number {
  let bytes = Buffer.byteLength(record.value as string)
  if (typeof record.key === 'string') bytes += Buffer.byteLength(record.key)
  for (const [k, v] of (record.headers ?? []) as [string, string][])
    bytes += Buffer.byteLength(k) + Buffer.byteLength(v)
  return bytes
}
