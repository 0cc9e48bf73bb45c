/**
 * An admin call on several items (topics, partitions, groups) where some
 * failed. The items that succeeded did take effect; `failures` says which
 * did not and why, each a KafkaError (or client error) with its context.
 */
export class AdminError extends AggregateError {
  override readonly name = 'AdminError'
  /** True when every failure is retriable: calling again may succeed. */
  readonly retriable: boolean

  constructor(
    readonly operation: string,
    readonly failures: readonly { readonly item: string; readonly error: Error }[],
  ) {
    const shown = failures.slice(0, 5).map((f) => `${f.item}: ${f.error.message}`)
    const more = failures.length > 5 ? `; and ${failures.length - 5} more` : ''
    super(
      failures.map((f) => f.error),
      `${operation} failed for ${failures.length} item${failures.length === 1 ? '' : 's'}: ${shown.join('; ')}${more}`,
    )
    this.retriable = failures.every((f) => (f.error as { retriable?: unknown }).retriable === true)
  }
}
