/** A handler attempt that ran past `maxProcessingMs` with `onStuck: 'fail'`: it counts as failed (retried, then the failure policy). */
export class StuckHandlerError extends Error {
  override readonly name = 'StuckHandlerError'
  readonly retriable = true

  constructor(readonly maxProcessingMs: number) {
    super(`handler still running after maxProcessingMs (${maxProcessingMs} ms)`)
  }
}
