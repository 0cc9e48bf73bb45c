import type { ProducerRecord, RecordAppender, SendResult } from './producer-record.js'
import type { CompletionSink, RecordMetadata } from './record-metadata.js'

export interface SendAllOptions {
  /** Records read from the source and not yet yielded, at most. Default 1000. */
  maxInFlight?: number
  /** For records without a topic of their own. */
  topic?: string
  /** Throw the first failure instead of yielding it (the results before it are yielded first). */
  stopOnError?: boolean
}

type Slot = { metadata?: RecordMetadata; error?: Error; record: ProducerRecord; settled: boolean }

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
  const maxInFlight = options.maxInFlight ?? 1000
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new RangeError(`sendAll maxInFlight must be a positive integer, got ${maxInFlight}`)
  }
  const slots = new Map<number, Slot>()
  let read = 0
  let yielded = 0
  let wakeHead: (() => void) | undefined
  const settle = (token: number, metadata: RecordMetadata | undefined, error: Error | undefined) => {
    const slot = slots.get(token)
    if (!slot || slot.settled) return
    slot.settled = true
    slot.metadata = metadata
    slot.error = error
    if (token === yielded && wakeHead) {
      const wake = wakeHead
      wakeHead = undefined
      wake()
    }
  }
  const sink: CompletionSink = {
    complete: (token, metadata) => settle(token, metadata, undefined),
    fail: (token, error) => settle(token, undefined, error),
  }
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<ProducerRecord>)[Symbol.asyncIterator]()
      : (source as Iterable<ProducerRecord>)[Symbol.iterator]()
  let exhausted = false
  try {
    for (;;) {
      while (!exhausted && read - yielded < maxInFlight) {
        const next = await iterator.next()
        if (next.done) {
          exhausted = true
          break
        }
        const record =
          options.topic && next.value.topic === undefined
            ? { ...next.value, topic: options.topic }
            : next.value
        const token = read++
        slots.set(token, { record, settled: false })
        try {
          const waiting = appender.append(record, sink, token)
          if (waiting) await waiting
        } catch (error) {
          sink.fail(token, error as Error)
        }
        // hand back what is done as soon as it is, rather than after the whole window is read
        if (slots.get(yielded)?.settled) break
      }
      const head = slots.get(yielded)
      if (!head) return
      if (!head.settled) {
        await new Promise<void>((resolve) => {
          wakeHead = resolve
        })
        continue
      }
      slots.delete(yielded)
      yielded++
      if (head.error) {
        if (options.stopOnError) throw head.error
        yield { record: head.record, error: head.error }
      } else {
        yield { record: head.record, metadata: head.metadata! }
      }
    }
  } finally {
    if (!exhausted) await iterator.return?.()
  }
}
