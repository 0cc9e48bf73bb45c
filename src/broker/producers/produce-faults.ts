/** One batch a produce request appended, as the test-only fault hook sees it. */
export interface ProduceAppendEvent {
  readonly topic: string
  readonly partition: number
  /** Offset the batch was stored at. */
  readonly baseOffset: number
  readonly recordCount: number
  /** -1 for a producer that is not idempotent. */
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly baseSequence: number
}

/**
 * FOR TESTS ONLY: faults injected into the broker so that tests can see how
 * clients recover, e.g. that an idempotent producer retrying a produce whose
 * answer it never got creates no duplicate. It holds functions, so it can be
 * set only by code that starts the broker in-process: neither the network
 * nor the command line nor a config file can reach it. Off by default.
 */
export interface BrokerFaults {
  /**
   * Called after every batch a produce request stored (not for a retry
   * answered as a duplicate). Returning true closes the client's connection
   * once the request's partitions are all handled, before the response is
   * written: the data is in the log but the client sees a dropped
   * connection and sends the request again.
   */
  dropResponseAfterAppend?: (event: ProduceAppendEvent) => boolean
}

/** Checks the `faults` broker option; returns the message of what is wrong, or null. */
export function invalidFaultsReason(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'must be an object'
  for (const [key, hook] of Object.entries(value)) {
    if (key !== 'dropResponseAfterAppend') return `unknown fault ${key}`
    if (hook !== undefined && typeof hook !== 'function') return `${key} must be a function`
  }
  return null
}
