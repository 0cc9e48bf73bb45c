import { io } from '../io.js'
/**
 * JSON for scripts: one document on stdout. Offsets and lags (bigints in the
 * client) are JSON numbers, exact below 2^53, which any Kafka offset is in
 * practice; buffers are not expected here.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? Number(v) : v), 2)
}

export function printJson(value: unknown): void {
  io.stdout.write(`${toJson(value)}\n`)
}
