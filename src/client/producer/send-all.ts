import type { ProducerRecord, RecordAppender, SendResult } from './producer-record.js'
import type { CompletionSink, RecordMetadata } from './record-metadata.js'

/**
 * Enough records unacknowledged for full 16 KiB batches on a few dozen
 * partitions; the ring it sizes is one slot per record.
 */
const DEFAULT_MAX_IN_FLIGHT = 10_000

export interface SendAllOptions {
  /** Records read from the source and not yet yielded, at most. Default 10,000. */
  maxInFlight?: number
  /** For records without a topic of their own. */
  topic?: string
  /** Throw the first failure instead of yielding it (the results before it are yielded first). */
  stopOnError?: boolean
}

/**
 * The records read and not yet yielded, in a ring of `maxInFlight` slots:
 * one array per field rather than an object per record, since this runs
 * once per record of what may be millions.
 */
class ResultWindow implements CompletionSink {
  readonly records: (ProducerRecord | undefined)[]
  readonly metadata: (RecordMetadata | undefined)[]
  readonly errors: (Error | undefined)[]
  readonly settled: Uint8Array
  /** Called when the oldest record settles (the generator waits for nothing else). */
  onHead: (() => void) | undefined
  head = 0

  constructor(readonly size: number) {
    this.records = new Array(size)
    this.metadata = new Array(size)
    this.errors = new Array(size)
    this.settled = new Uint8Array(size)
  }

  complete(token: number, metadata: RecordMetadata): void {
    this.settle(token, metadata, undefined)
  }

  fail(token: number, error: Error): void {
    this.settle(token, undefined, error)
  }

  private settle(token: number, metadata: RecordMetadata | undefined, error: Error | undefined): void {
    const at = token % this.size
    if (this.settled[at] === 1) return
    this.settled[at] = 1
    this.metadata[at] = metadata
    this.errors[at] = error
    if (token === this.head && this.onHead) {
      const wake = this.onHead
      this.onHead = undefined
      wake()
    }
  }
}

/**
 * Sends every record of a source and yields one result per record, in
 * source order. The source is read only while fewer than `maxInFlight`
 * records are read and not yet yielded, and only while the caller keeps
 * asking for results: a slow consumer of the results, a full buffer or a
 * slow broker all slow the reading of the source, which is never read ahead.
 */
export async function* sendAll(
  appender: RecordAppender,
  source: Iterable<ProducerRecord> | AsyncIterable<ProducerRecord>,
  options: SendAllOptions = {},
): AsyncGenerator<SendResult, void, undefined> {
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new RangeError(`sendAll maxInFlight must be a positive integer, got ${maxInFlight}`)
  }
  const window = new ResultWindow(maxInFlight)
  const isAsync = Symbol.asyncIterator in source
  const asyncIterator = isAsync
    ? (source as AsyncIterable<ProducerRecord>)[Symbol.asyncIterator]()
    : undefined
  const syncIterator = isAsync ? undefined : (source as Iterable<ProducerRecord>)[Symbol.iterator]()
  let read = 0
  let exhausted = false
  try {
    for (;;) {
      while (!exhausted && read - window.head < maxInFlight) {
        // a plain iterable is read without an await per record
        const next = syncIterator ? syncIterator.next() : await asyncIterator!.next()
        if (next.done) {
          exhausted = true
          break
        }
        const token = read++
        const at = token % maxInFlight
        window.records[at] = next.value
        window.settled[at] = 0
        try {
          const waiting = appender.append(next.value, window, token, options.topic)
          if (waiting) await waiting
        } catch (error) {
          window.fail(token, error as Error)
        }
        // hand back what is done as soon as it is, rather than after the whole window is read
        if (window.settled[window.head % maxInFlight] === 1) break
      }
      if (window.head === read) return
      const at = window.head % maxInFlight
      if (window.settled[at] === 0) {
        await new Promise<void>((resolve) => {
          window.onHead = resolve
        })
        continue
      }
      const record = window.records[at]!
      const error = window.errors[at]
      const metadata = window.metadata[at]
      window.records[at] = undefined
      window.metadata[at] = undefined
      window.errors[at] = undefined
      window.head++
      const withTopic =
        record.topic === undefined && options.topic ? { ...record, topic: options.topic } : record
      if (error) {
        if (options.stopOnError) throw error
        yield { record: withTopic, error }
      } else {
        yield { record: withTopic, metadata: metadata! }
      }
    }
  } finally {
    if (!exhausted) {
      if (syncIterator) syncIterator.return?.()
      else await asyncIterator!.return?.()
    }
  }
}
