import { Writable } from 'node:stream'
import type { ProducerRecord, RecordAppender } from './producer-record.js'
import type { CompletionSink } from './record-metadata.js'

export interface WritableOptions {
  /** For records without a topic of their own. */
  topic?: string
  /**
   * Records the stream holds before `write()` returns false. Records go
   * straight to the producer while its buffer has room, so this only counts
   * records waiting for room. Default 16, Node's default for object mode.
   */
  highWaterMark?: number
}

/**
 * An object-mode Writable over the producer. `write()` hands each record to
 * the producer; while the producer's buffer is full the write waits, so
 * records pile up in the stream, `write()` returns false and `drain` follows
 * once there is room — `pipeline()` and any stream source pace themselves on
 * the buffer budget. The stream finishes once every record written is
 * acknowledged; the first record that fails destroys it with that error.
 */
export function producerWritable(
  appender: RecordAppender,
  flush: () => Promise<void>,
  options: WritableOptions = {},
): Writable {
  let outstanding = 0
  let failed: Error | undefined
  let allDone: (() => void) | undefined
  let token = 0
  const stream: Writable = new Writable({
    objectMode: true,
    highWaterMark: options.highWaterMark ?? 16,
    write(record: ProducerRecord, _encoding, callback) {
      if (failed) return callback(failed)
      const withTopic =
        options.topic && record.topic === undefined ? { ...record, topic: options.topic } : record
      outstanding++
      try {
        const waiting = appender.append(withTopic, sink, token++)
        if (waiting)
          waiting.then(
            () => callback(),
            (error) => settleFailed(error, callback),
          )
        else callback()
      } catch (error) {
        settleFailed(error as Error, callback)
      }
    },
    final(callback) {
      if (outstanding === 0) return callback(failed)
      allDone = () => callback(failed)
      flush().catch(() => {})
    },
  })
  function settleFailed(error: Error, callback: (error?: Error | null) => void): void {
    outstanding--
    failed ??= error
    callback(error)
  }
  const sink: CompletionSink = {
    complete() {
      outstanding--
      if (outstanding === 0) allDone?.()
    },
    fail(_token, error) {
      outstanding--
      if (!failed) {
        failed = error
        stream.destroy(error)
      }
      if (outstanding === 0) allDone?.()
    },
  }
  return stream
}
