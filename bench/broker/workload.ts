import { closeSync, openSync, writeSync } from 'node:fs'

/**
 * What every load sends: keyless records with 100-byte values into one topic
 * of three partitions, created before the load starts. The values are text
 * (kcat reads one record per input line) and vary from record to record,
 * though nothing here is compressed.
 */

export const VALUE_BYTES = 100
export const PARTITIONS = 3
export const TOPIC = 'bench-broker'

/** Records each load writes; BENCH_BROKER_RECORDS overrides the default. */
export function recordCountFromEnv(): number {
  const raw = process.env.BENCH_BROKER_RECORDS
  if (raw === undefined || raw === '') return 1_000_000
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < PARTITIONS) {
    throw new Error(`BENCH_BROKER_RECORDS must be an integer of at least ${PARTITIONS}, got ${raw}`)
  }
  return n
}

/** Record i's value: printable ASCII, no newline, exactly VALUE_BYTES long. */
export function valueText(i: number): string {
  const text = `{"seq":${i},"user":"u${(i * 7919) % 100_000}","amount":${(i * 104_729) % 1_000_000},"note":"`
  return `${text.padEnd(VALUE_BYTES - 2, 'x')}"}`
}

/** Writes `count` values, one per line, for `kcat -P` to read from its stdin. */
export function writeKcatInput(path: string, count: number): void {
  const fd = openSync(path, 'w')
  try {
    const linesPerChunk = 10_000
    for (let start = 0; start < count; start += linesPerChunk) {
      let chunk = ''
      const end = Math.min(start + linesPerChunk, count)
      for (let i = start; i < end; i++) chunk += `${valueText(i)}\n`
      writeSync(fd, chunk)
    }
  } finally {
    closeSync(fd)
  }
}
