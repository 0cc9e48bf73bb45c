/** What the dispatcher counts, for the consumer's metrics. */
export interface DispatchCounters {
  /** Records whose handler succeeded. */
  processed: number
  /** Handler attempts that failed (each retry counts). */
  failedAttempts: number
  retries: number
  skipped: number
  deadLettered: number
  /** Handler time of successful records, in all (for the average). */
  handlerMsTotal: number
}

export function dispatchCounters(): DispatchCounters {
  return { processed: 0, failedAttempts: 0, retries: 0, skipped: 0, deadLettered: 0, handlerMsTotal: 0 }
}
