import { ErrorCode } from '../../protocol/error-codes.js'
import { encodeResponse, type RequestPrefix, readRequestPrefix } from '../../protocol/frames.js'
import { type AnyApi, apiByKey } from '../../protocol/messages/index.js'
import type { Clock } from '../clock.js'
import type { Connection, RequestDispatcher } from '../network/connection.js'
import { decodeBrokerRequest, refusedBeforeAuthentication } from '../request-rules.js'
import type { AppendedBatch } from './appended-batch.js'
import { errorResponseFor } from './error-responses.js'
import { Fault, type FaultKind } from './fault.js'
import { partitionKey, RequestTrace, RequestTraces } from './request-traces.js'

/** What the injector needs of the node whose requests it wraps (a BrokerContext is one). */
export interface FaultedNode {
  readonly nodeId: number
  readonly clock: Clock
  advertisedVersions(): { apiKey: number; minVersion: number; maxVersion: number }[]
}

/** Limits a fault to one node of a cluster; undefined means every node. */
interface NodeScope {
  readonly nodeId: number | undefined
}

/** Limits a fault to one topic, or one partition of it; undefined topic means the whole request. */
interface PartitionScope {
  readonly topic: string | undefined
  readonly partition: number | undefined
}

export interface FailSpec extends NodeScope, PartitionScope {
  readonly apiKey: number
  readonly errorCode: number
  readonly message: string
}

export interface DelaySpec extends NodeScope {
  /** undefined delays every API. */
  readonly apiKey: number | undefined
  readonly ms: number
}

export interface CloseSpec extends NodeScope, PartitionScope {
  readonly apiKey: number
  readonly when: ((batch: AppendedBatch) => boolean) | undefined
}

interface Entry<S> {
  readonly fault: Fault
  readonly spec: S
}

interface DelayedResponse {
  /** Stops the timer and sends the response now. */
  readonly sendNow: () => void
}

interface Hold {
  readonly fault: Fault
  /** Requests left unanswered, by connection, so release can close exactly those connections. */
  readonly withheld: Map<Connection, (() => void)[]>
}

export type FiredCounts = Record<FaultKind, number>

/** The error message of injected failures, where the response has one, unless the test gives its own. */
export const INJECTED_MESSAGE = 'injected by the broker for a test (faultInjection)'

/**
 * TEST ONLY. The engine behind `running.faults`: it keeps the faults a test
 * asked for and applies them to requests. It sits around each connection's
 * dispatch function (`wrap`), so a whole request can be failed before any
 * handler sees it, a response delayed or dropped after the handler answered,
 * and a node held; partition handlers ask it, through the partition gate,
 * whether one partition must fail; Produce tells it what it appended.
 *
 * One injector serves every node of a broker or cluster (they share the
 * resolved options that hold it). It exists only when the broker is started
 * with `faultInjection: true`; otherwise nothing of this runs.
 */
export class FaultInjector {
  private readonly failures: Entry<FailSpec>[] = []
  private readonly delays: Entry<DelaySpec>[] = []
  private readonly closes: Entry<CloseSpec>[] = []
  private readonly holds = new Map<number, Hold>()
  private readonly delayed = new Map<Fault, Set<DelayedResponse>>()
  private readonly traces = new RequestTraces()
  private readonly firedCounts: FiredCounts = {
    failNext: 0,
    delayResponses: 0,
    closeAfterHandling: 0,
    hold: 0,
  }
  private readonly hooks = {
    fired: (kind: FaultKind) => {
      this.firedCounts[kind]++
    },
    removed: (fault: Fault, why: 'used' | 'cancelled') => this.remove(fault, why),
  }

  /** Totals since the broker started, per control; clear() does not reset them. */
  get fired(): FiredCounts {
    return { ...this.firedCounts }
  }

  addFailure(spec: FailSpec, times: number): Fault {
    return this.add(this.failures, 'failNext', spec, times)
  }

  addDelay(spec: DelaySpec, times: number): Fault {
    return this.add(this.delays, 'delayResponses', spec, times)
  }

  addClose(spec: CloseSpec, times: number): Fault {
    return this.add(this.closes, 'closeAfterHandling', spec, times)
  }

  /** Holds a node until the returned fault is cancelled; holding a held node returns its hold. */
  hold(nodeId: number): Fault {
    const held = this.holds.get(nodeId)
    if (held) return held.fault
    const fault = new Fault('hold', Number.POSITIVE_INFINITY, this.hooks)
    this.holds.set(nodeId, { fault, withheld: new Map() })
    return fault
  }

  release(nodeId: number): void {
    this.holds.get(nodeId)?.fault.cancel()
  }

  isHeld(nodeId: number): boolean {
    return this.holds.has(nodeId)
  }

  /** Cancels every fault: delayed responses go out now, held nodes are released. */
  clear(): void {
    for (const list of [this.failures, this.delays, this.closes]) {
      for (const entry of [...list]) entry.fault.cancel()
    }
    for (const hold of [...this.holds.values()]) hold.fault.cancel()
    // delays already used up may still hold responses
    for (const fault of [...this.delayed.keys()]) this.sendDelayedNow(fault)
  }

  /**
   * Wraps the dispatch function of one node's connections. Requests the
   * dispatcher would refuse (unknown key, unsupported version) pass through
   * untouched, except that a held node answers nothing at all.
   */
  wrap(node: FaultedNode, dispatch: RequestDispatcher): RequestDispatcher {
    let served: Map<number, { min: number; max: number }> | undefined
    const servedApi = (prefix: RequestPrefix): AnyApi | undefined => {
      served ??= new Map(
        node.advertisedVersions().map((v) => [v.apiKey, { min: v.minVersion, max: v.maxVersion }]),
      )
      const range = served.get(prefix.apiKey)
      if (!range || prefix.apiVersion < range.min || prefix.apiVersion > range.max) return undefined
      return apiByKey(prefix.apiKey)
    }
    return (frame, connection) => {
      const prefix = readRequestPrefix(frame)
      if (this.isHeld(node.nodeId)) return this.withhold(node.nodeId, connection)
      const api = servedApi(prefix)
      // what the dispatcher refuses (unknown, unsupported, before login) is refused before any fault applies
      if (!api || refusedBeforeAuthentication(prefix.apiKey, connection)) return dispatch(frame, connection)
      const trace = new RequestTrace(api.key, node.nodeId)
      this.traces.open(connection, prefix.correlationId, trace)
      const done = (response: Buffer | null, failed: boolean) => {
        this.traces.close(connection, prefix.correlationId, trace)
        return this.afterHandling(trace, connection, response, failed, node.clock)
      }
      let result: Promise<Buffer | null> | Buffer | null
      try {
        const failure = this.takeWholeRequestFailure(trace)
        if (failure) return done(this.failedResponse(api, frame, prefix, failure, connection), true)
        result = dispatch(frame, connection)
      } catch (err) {
        this.traces.close(connection, prefix.correlationId, trace)
        throw err
      }
      if (result instanceof Promise) {
        return result.then(
          (response) => done(response, false),
          (err) => {
            this.traces.close(connection, prefix.correlationId, trace)
            throw err
          },
        )
      }
      return done(result, false)
    }
  }

  /**
   * The partition gate's question: must this partition of this request fail,
   * and with what code? A partition fault takes one use per request, however
   * many of its partitions it covers; the answer is remembered for the
   * request, so handlers that read a partition twice (a fetch after a wait)
   * get the same one.
   */
  partitionError(
    request: { readonly connection: Connection; readonly header: { readonly correlationId: number } },
    topic: string,
    partition: number,
  ): number {
    const trace = this.traces.find(request.connection, request.header.correlationId)
    if (!trace) return ErrorCode.NONE
    const key = partitionKey(topic, partition)
    trace.gated.add(key)
    trace.gatedTopics.add(topic)
    const known = trace.partitionErrors.get(key)
    if (known !== undefined) return known
    let code: number = ErrorCode.NONE
    for (const entry of this.failures) {
      if (
        entry.spec.topic === undefined ||
        !inScope(entry.spec, trace) ||
        !covers(entry.spec, topic, partition)
      )
        continue
      if (trace.consumed.has(entry) || entry.fault.take()) {
        trace.consumed.add(entry)
        code = entry.spec.errorCode
        break
      }
    }
    // a fault used up by an earlier partition of this request still covers the rest of it
    if (code === ErrorCode.NONE) {
      for (const entry of trace.consumed as Set<Entry<FailSpec>>) {
        if (covers(entry.spec, topic, partition)) {
          code = entry.spec.errorCode
          break
        }
      }
    }
    trace.partitionErrors.set(key, code)
    return code
  }

  /**
   * For Produce: a function to call with each batch the request stores, which
   * runs the `when` predicates of close faults; undefined when the request is
   * not traced.
   */
  appendListener(
    connection: Connection,
    correlationId: number,
  ): ((batch: AppendedBatch) => void) | undefined {
    const trace = this.traces.find(connection, correlationId)
    if (!trace) return undefined
    return (batch) => {
      for (const entry of [...this.closes]) {
        const { when } = entry.spec
        if (!when || !entry.fault.active) continue
        if (!inScope(entry.spec, trace) || !covers(entry.spec, batch.topic, batch.partition)) continue
        let matched: boolean
        try {
          matched = when(batch)
        } catch (err) {
          // a bug in the test's predicate: stop the fault and make the test runner report it
          entry.fault.cancel()
          const reason = err instanceof Error ? err.message : String(err)
          queueMicrotask(() => {
            throw new Error(`closeAfterHandling: the when predicate threw: ${reason}`, { cause: err })
          })
          continue
        }
        if (matched) trace.appendsMatched.add(entry)
      }
    }
  }

  private add<S>(list: Entry<S>[], kind: FaultKind, spec: S, times: number): Fault {
    const fault = new Fault(kind, times, this.hooks)
    list.push({ fault, spec })
    return fault
  }

  private remove(fault: Fault, why: 'used' | 'cancelled'): void {
    for (const list of [this.failures, this.delays, this.closes] as Entry<unknown>[][]) {
      const at = list.findIndex((e) => e.fault === fault)
      if (at >= 0) list.splice(at, 1)
    }
    // a delay used up still owes the responses it holds; cancelling sends them now
    if (why === 'cancelled') this.sendDelayedNow(fault)
    for (const [nodeId, hold] of this.holds) {
      if (hold.fault === fault) {
        this.holds.delete(nodeId)
        this.releaseWithheld(hold)
      }
    }
  }

  private sendDelayedNow(fault: Fault): void {
    const pending = this.delayed.get(fault)
    if (!pending) return
    this.delayed.delete(fault)
    for (const d of pending) d.sendNow()
  }

  private takeWholeRequestFailure(trace: RequestTrace): FailSpec | undefined {
    for (const entry of this.failures) {
      if (entry.spec.topic !== undefined || !inScope(entry.spec, trace)) continue
      if (entry.fault.take()) return entry.spec
    }
    return undefined
  }

  private failedResponse(
    api: AnyApi,
    frame: Buffer,
    prefix: RequestPrefix,
    failure: FailSpec,
    connection: Connection,
  ): Buffer | null {
    const { body } = decodeBrokerRequest(api, frame)
    const response = errorResponseFor(api, body, {
      errorCode: failure.errorCode,
      message: failure.message,
      version: prefix.apiVersion,
    })
    if (response === null) {
      // no response is owed (acks=0): Kafka closes the connection so the producer notices
      connection.destroy()
      return null
    }
    return encodeResponse(api, prefix.apiVersion, prefix.correlationId, response)
  }

  private afterHandling(
    trace: RequestTrace,
    connection: Connection,
    response: Buffer | null,
    failed: boolean,
    clock: Clock,
  ): Promise<Buffer | null> | Buffer | null {
    if (this.isHeld(trace.nodeId)) return this.withhold(trace.nodeId, connection)
    if (!failed && this.takeClose(trace)) {
      connection.destroy()
      return null
    }
    if (response === null) return null
    for (const entry of this.delays) {
      if (!inScope(entry.spec, trace)) continue
      if (entry.fault.take()) return this.delay(entry, response, clock)
    }
    return response
  }

  /** Whether a close fault covers this request; the first that does takes one use. */
  private takeClose(trace: RequestTrace): boolean {
    for (const entry of this.closes) {
      const { spec } = entry
      if (!inScope(spec, trace)) continue
      if (spec.when) {
        if (!trace.appendsMatched.has(entry)) continue
      } else if (spec.topic !== undefined) {
        const named =
          spec.partition === undefined
            ? trace.gatedTopics.has(spec.topic)
            : trace.gated.has(partitionKey(spec.topic, spec.partition))
        if (!named) continue
      }
      if (entry.fault.take()) return true
    }
    return false
  }

  /** Sends the response after the delay, on the broker's clock (so a test clock controls it too). */
  private delay(entry: Entry<DelaySpec>, response: Buffer, clock: Clock): Promise<Buffer> {
    let pending = this.delayed.get(entry.fault)
    if (!pending) {
      pending = new Set()
      this.delayed.set(entry.fault, pending)
    }
    const set = pending
    return new Promise((resolve) => {
      const send = () => {
        set.delete(delayed)
        if (set.size === 0 && this.delayed.get(entry.fault) === set) this.delayed.delete(entry.fault)
        resolve(response)
      }
      const timer = clock.setTimeout(send, entry.spec.ms)
      const delayed: DelayedResponse = {
        sendNow: () => {
          clock.clearTimeout(timer)
          send()
        },
      }
      set.add(delayed)
    })
  }

  /** Leaves a request unanswered until the node is released, which closes its connection. */
  private withhold(nodeId: number, connection: Connection): Promise<null> {
    const hold = this.holds.get(nodeId)!
    hold.fault.take()
    return new Promise((resolve) => {
      let waiting = hold.withheld.get(connection)
      if (!waiting) {
        waiting = []
        hold.withheld.set(connection, waiting)
        // a client that gives up and closes needs nothing more from us
        connection.socket.once('close', () => hold.withheld.delete(connection))
      }
      waiting.push(() => resolve(null))
    })
  }

  private releaseWithheld(hold: Hold): void {
    for (const [connection, waiting] of hold.withheld) {
      // the client has long timed these requests out: answering now would only confuse it
      connection.destroy()
      for (const settle of waiting) settle()
    }
    hold.withheld.clear()
  }
}

function inScope(spec: NodeScope & { readonly apiKey: number | undefined }, trace: RequestTrace): boolean {
  return (
    (spec.apiKey === undefined || spec.apiKey === trace.apiKey) &&
    (spec.nodeId === undefined || spec.nodeId === trace.nodeId)
  )
}

function covers(scope: PartitionScope, topic: string, partition: number): boolean {
  if (scope.topic === undefined) return true
  return scope.topic === topic && (scope.partition === undefined || scope.partition === partition)
}
