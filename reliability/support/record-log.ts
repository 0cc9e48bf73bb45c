import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'

/**
 * The line format every reliability log shares: the producer's log of
 * acknowledged records, each consumer life's log of processed records, and
 * what kcat read back from the topic. One line per record:
 * `partition offset key value`. Keys and values are ASCII without spaces
 * (`k12`, `v34567`), so a line splits on spaces. A process killed mid-write
 * leaves at most its last line torn, which the reader skips.
 */

export interface LoggedRecord {
  readonly partition: number
  readonly offset: number
  readonly key: string
  readonly value: string
}

/**
 * A record's value is `v<n>`, padded with dots to a size when a scenario
 * needs volume: logs keep only `v<n>`, which names the record.
 */
export function valueId(value: string): string {
  const pad = value.indexOf('.')
  return pad < 0 ? value : value.slice(0, pad)
}

export const formatRecord = (r: LoggedRecord) => `${r.partition} ${r.offset} ${r.key} ${r.value}\n`

export function parseRecords(text: string): LoggedRecord[] {
  const records: LoggedRecord[] = []
  for (const line of text.split('\n')) {
    const [partition, offset, key, value, extra] = line.split(' ')
    // a torn last line: fewer fields, or a value cut short (values are never empty)
    if (value === undefined || value === '' || extra !== undefined) continue
    records.push({ partition: Number(partition), offset: Number(offset), key, value: valueId(value) })
  }
  return records
}

export function readRecordLog(file: string): LoggedRecord[] {
  return parseRecords(readFileSync(file, 'utf8'))
}

/**
 * Appends records to a log file. `sync` writes each line at once (a consumer
 * logs a record before its handler resolves, so before its offset can be
 * committed: a kill cannot lose a logged-then-committed record); otherwise
 * lines are gathered and written every `flushMs` and at close (the producer's
 * ack log, whose process is not the one killed).
 */
export class RecordLogWriter {
  private readonly fd: number
  private pending: string[] = []
  private readonly timer: NodeJS.Timeout | undefined

  constructor(
    file: string,
    private readonly sync: boolean,
    flushMs = 100,
  ) {
    this.fd = openSync(file, 'a')
    if (!sync) this.timer = setInterval(() => this.flush(), flushMs)
  }

  write(record: LoggedRecord): void {
    if (this.sync) writeSync(this.fd, formatRecord(record))
    else this.pending.push(formatRecord(record))
  }

  flush(): void {
    if (this.pending.length === 0) return
    writeSync(this.fd, this.pending.join(''))
    this.pending = []
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.flush()
    closeSync(this.fd)
  }
}
