import type { Connection } from '../network/connection.js'

/**
 * What the fault injector learns about one request while a handler serves
 * it: the partitions the handler gated, the partition faults it consumed
 * and the close faults its appends matched. The injector opens a trace when
 * the request arrives and reads it when the response is ready; handlers
 * reach it through their connection and the request's correlation id, the
 * one identity both sides share.
 */
export class RequestTrace {
  /** `topic\0partition` of every partition the handler passed through the partition gate. */
  readonly gated = new Set<string>()
  readonly gatedTopics = new Set<string>()
  /** The gate's answer per partition, so a fetch that re-reads after a wait gets the same one. */
  readonly partitionErrors = new Map<string, number>()
  /** Partition faults that took a use for this request (once per request, however many partitions). */
  readonly consumed = new Set<object>()
  /** Close faults whose `when` predicate accepted one of this request's appends. */
  readonly appendsMatched = new Set<object>()

  constructor(
    readonly apiKey: number,
    readonly nodeId: number,
  ) {}
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

/** Open traces by connection and correlation id. */
export class RequestTraces {
  private readonly byConnection = new WeakMap<Connection, Map<number, RequestTrace>>()

  open(connection: Connection, correlationId: number, trace: RequestTrace): void {
    let open = this.byConnection.get(connection)
    if (!open) {
      open = new Map()
      this.byConnection.set(connection, open)
    }
    // a client reusing a correlation id while the first is unanswered breaks its own matching;
    // the later request simply takes the id over
    open.set(correlationId, trace)
  }

  find(connection: Connection, correlationId: number): RequestTrace | undefined {
    return this.byConnection.get(connection)?.get(correlationId)
  }

  close(connection: Connection, correlationId: number, trace: RequestTrace): void {
    const open = this.byConnection.get(connection)
    if (open?.get(correlationId) === trace) open.delete(correlationId)
  }
}
