/** Errors a send can fail with, beside KafkaError (the broker refused the records) and the client's own. */

/** The buffer budget was full and `whenFull` is `'error'`, or `'block'` waited `maxBlockMs` in vain. */
export class BufferFullError extends Error {
  override readonly name = 'BufferFullError'
  readonly retriable = true

  constructor(
    readonly bufferBytes: number,
    readonly waitedMs: number,
  ) {
    super(
      waitedMs > 0
        ? `no room in the ${bufferBytes}-byte producer buffer after waiting ${waitedMs} ms (maxBlockMs)`
        : `the ${bufferBytes}-byte producer buffer is full (whenFull: 'error')`,
    )
  }
}

/** The buffer budget was full and `whenFull` is `'drop-newest'`: this record was not sent. */
export class RecordDroppedError extends Error {
  override readonly name = 'RecordDroppedError'
  readonly retriable = false

  constructor(readonly bufferBytes: number) {
    super(`record dropped: the ${bufferBytes}-byte producer buffer is full (whenFull: 'drop-newest')`)
  }
}

/** A record bigger than the buffer budget or than one request may be (`maxRequestBytes`); it was not sent. */
export class RecordTooLargeError extends Error {
  override readonly name = 'RecordTooLargeError'
  readonly retriable = false

  constructor(
    readonly size: number,
    readonly limit: number,
    limitName: string,
  ) {
    super(`record of ${size} bytes is larger than ${limitName} (${limit} bytes)`)
  }
}

/** The record was not acknowledged within `deliveryTimeoutMs`; `cause` is the last failure, if any. */
export class DeliveryTimeoutError extends Error {
  override readonly name = 'DeliveryTimeoutError'
  readonly retriable = true

  constructor(
    readonly deliveryTimeoutMs: number,
    options?: { cause?: unknown },
  ) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : ''
    super(`record not acknowledged within deliveryTimeoutMs (${deliveryTimeoutMs} ms)${why}`, options)
  }
}
