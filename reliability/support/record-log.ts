import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'

/**
 * The line format every reliability log shares: the producer's log of
 * acknowledged records, each consumer life's log of processed records, and
 * what kcat read back from the topic. One line per record:
 * `partition offset key value`. Keys and values are ASCII without spaces
 * (`k12`, `v34567`), so a line splits on spaces. A process killed mid-write
 * leaves at most its last line torn (no newline), which the reader skips.
 */

export interface LoggedRecord {
  readonly partition: number
  readonly offset: number
  readonly key: string
  readonly value: string
  /** When it was logged (Date.now()), in logs that carry a fifth field: to order records across processes. */
  readonly at?: number
}

/**
 * A record's value is `v<n>`, padded with dots to a size when a scenario
 * needs volume: logs keep only `v<n>`, which names the record.
 */
export function valueId(value: string): string {
  const pad = value.indexOf('.')
  return pad < 0 ? value : value.slice(0, pad)
}

export const formatRecord = (r: LoggedRecord) =>
  `${r.partition} ${r.offset} ${r.key} ${r.value}${r.at === undefined ? '' : ` ${r.at}`}\n`

export function parseRecords(text: string): LoggedRecord[] {
  const records: LoggedRecord[] = []
  // a line without its newline was cut short by a kill: its record was not finished, and its
  // fields may be whole but wrong (`v12` of `v123`), so it is left out
  const complete = text.slice(0, text.lastIndexOf('\n') + 1)
  for (const line of complete.split('\n')) {
    const [partition, offset, key, value, at, extra] = line.split(' ')
    if (value === undefined || value === '' || extra !== undefined) continue
    const record = { partition: Number(partition), offset: Number(offset), key, value: valueId(value) }
    records.push(at === undefined ? record : { ...record, at: Number(at) })
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
