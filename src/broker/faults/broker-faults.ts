import { type ErrorName, errorInfo, KAFKA_ERRORS } from '../../protocol/error-codes.js'
import { type ApiName, Apis } from '../../protocol/messages/index.js'
import { brokerHandlers } from '../handlers/index.js'
import type { AppendedBatch } from './appended-batch.js'
import type { FaultHandle } from './fault.js'
import { type FaultInjector, type FiredCounts, INJECTED_MESSAGE } from './fault-injector.js'

/** An API by name (`'Produce'`) or by key (`0`). */
export type ApiSelector = ApiName | number

/** A Kafka error by code (`6`, `ErrorCode.NOT_LEADER_OR_FOLLOWER`) or by name (`'NOT_LEADER_OR_FOLLOWER'`). */
export type ErrorSelector = number | Exclude<ErrorName, 'NONE'>

export interface NodeOption {
  /** Only requests to this node of a cluster. Default: every node. */
  nodeId?: number
}

export interface PartitionOption {
  /** Only requests naming this topic (Produce, Fetch, ListOffsets, DeleteRecords, OffsetForLeaderEpoch). */
  topic?: string
  /** With `topic`: only this partition of it. */
  partition?: number
}

export interface FailNextOptions extends NodeOption, PartitionOption {
  /** How many requests to fail; Infinity until cancelled. Default 1. */
  times?: number
  /** The error message, where the response has one. Default says it was injected. */
  message?: string
}

export interface DelayResponsesOptions extends NodeOption {
  /** Only responses of this API. Default: every API. */
  api?: ApiSelector
  /** How many responses to delay; Infinity until cancelled. Default Infinity. */
  times?: number
}

export interface CloseAfterHandlingOptions extends NodeOption, PartitionOption {
  /** How many connections to close; Infinity until cancelled. Default 1. */
  times?: number
  /**
   * Produce only: close only after a request that stored a batch this
   * accepts. Called for every batch stored while the fault is active (not
   * for retries answered as duplicates), so it may also count them.
   */
  when?: (batch: AppendedBatch) => boolean
}

/**
 * TEST ONLY: faults injected into a running broker so that tests can watch
 * clients retry, deduplicate and fail over. Present on `running.faults` only
 * when the broker (or cluster) was started with `faultInjection: true`;
 * reachable only in-process, never over the network, the command line or a
 * config file. Every control returns a FaultHandle that tells how often it
 * fired and cancels it.
 */
export interface BrokerFaults {
  /**
   * Fails the next `times` requests of `api` with `errorCode`: the request is
   * not applied and the client gets a well-formed answer carrying the code
   * where Kafka would put it. With `topic` (and `partition`), only those
   * partitions of a request fail; the others are served as usual. Counted
   * once per request.
   */
  failNext(api: ApiSelector, errorCode: ErrorSelector, options?: FailNextOptions): FaultHandle
  /**
   * Holds responses back `ms` milliseconds after the request was handled
   * (so the request is applied at once). Later responses on the same
   * connection wait behind a delayed one: Kafka answers in request order.
   */
  delayResponses(ms: number, options?: DelayResponsesOptions): FaultHandle
  /**
   * Handles the next `times` requests of `api` and then closes their
   * connection instead of answering: the request is applied, the response is
   * lost. `topic`/`partition` limit it to requests naming that partition;
   * `when` (Produce) to requests that stored a matching batch.
   */
  closeAfterHandling(api: ApiSelector, options?: CloseAfterHandlingOptions): FaultHandle
  /**
   * Makes a node unreachable, as a network partition would: its connections
   * stay open and new ones are accepted, but nothing they send is answered or
   * applied. `nodeId` may be left out when the broker has one node. Holding a
   * held node returns its hold. Its handle counts the requests withheld.
   */
  hold(nodeId?: number): FaultHandle
  /**
   * Ends a hold: every connection with a request withheld is closed (those
   * requests are dropped, never applied) and the node serves again; clients
   * reconnect. Connections that sent nothing meanwhile carry on.
   */
  release(nodeId?: number): void
  /** Cancels every fault and releases every node; responses being delayed are sent now. */
  clear(): void
  /** How often each control fired since the broker started (clear() keeps the totals). */
  readonly fired: FiredCounts
}

/** Thrown by a control given a bad argument; names the control and the argument. */
export class FaultArgumentError extends Error {
  override readonly name = 'FaultArgumentError'
  constructor(control: string, reason: string) {
    super(`faults.${control}: ${reason}`)
  }
}

/** Thrown when `running.faults` is used on a broker started without `faultInjection: true`. */
export function faultInjectionOff(): never {
  throw new Error(
    'fault injection is off: start the broker (or cluster) with { faultInjection: true } to use running.faults (tests only)',
  )
}

/** The APIs whose requests name partitions, so a fault can single one out. */
const PARTITION_SCOPED = new Set<number>([
  Apis.Produce.key,
  Apis.Fetch.key,
  Apis.ListOffsets.key,
  Apis.DeleteRecords.key,
  Apis.OffsetForLeaderEpoch.key,
])

const ERROR_CODES_BY_NAME = new Map<string, number>(KAFKA_ERRORS.map((e) => [e.name, e.code]))

/** setTimeout's limit. */
const MAX_DELAY_MS = 2 ** 31 - 1

/**
 * `running.faults`: checks each call's arguments (bad ones throw a
 * FaultArgumentError that says what is wrong) and hands the fault to the
 * injector. `nodeIds` lists the nodes of the broker or cluster.
 */
export class FaultControls implements BrokerFaults {
  constructor(
    private readonly injector: FaultInjector,
    private readonly nodeIds: () => readonly number[],
  ) {}

  failNext(api: ApiSelector, errorCode: ErrorSelector, options: FailNextOptions = {}): FaultHandle {
    const control = 'failNext'
    knownOptions(control, options, ['nodeId', 'topic', 'partition', 'times', 'message'])
    const apiKey = this.apiKey(control, api)
    const message = options.message ?? INJECTED_MESSAGE
    if (typeof message !== 'string') throw new FaultArgumentError(control, 'message must be a string')
    return this.injector.addFailure(
      {
        apiKey,
        errorCode: errorCodeOf(control, errorCode),
        message,
        nodeId: this.nodeId(control, options.nodeId, false),
        ...partitionScope(control, apiKey, options),
      },
      times(control, options.times, 1),
    )
  }

  delayResponses(ms: number, options: DelayResponsesOptions = {}): FaultHandle {
    const control = 'delayResponses'
    knownOptions(control, options, ['nodeId', 'api', 'times'])
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_DELAY_MS) {
      throw new FaultArgumentError(
        control,
        `ms must be an integer from 0 to ${MAX_DELAY_MS}, got ${String(ms)}`,
      )
    }
    return this.injector.addDelay(
      {
        apiKey: options.api === undefined ? undefined : this.apiKey(control, options.api),
        ms,
        nodeId: this.nodeId(control, options.nodeId, false),
      },
      times(control, options.times, Number.POSITIVE_INFINITY),
    )
  }

  closeAfterHandling(api: ApiSelector, options: CloseAfterHandlingOptions = {}): FaultHandle {
    const control = 'closeAfterHandling'
    knownOptions(control, options, ['nodeId', 'topic', 'partition', 'times', 'when'])
    const apiKey = this.apiKey(control, api)
    const { when } = options
    if (when !== undefined) {
      if (typeof when !== 'function') throw new FaultArgumentError(control, 'when must be a function')
      if (apiKey !== Apis.Produce.key) {
        throw new FaultArgumentError(control, 'when looks at stored batches, so it applies to Produce only')
      }
    }
    return this.injector.addClose(
      {
        apiKey,
        when,
        nodeId: this.nodeId(control, options.nodeId, false),
        ...partitionScope(control, apiKey, options),
      },
      times(control, options.times, 1),
    )
  }

  hold(nodeId?: number): FaultHandle {
    return this.injector.hold(this.nodeId('hold', nodeId, true)!)
  }

  release(nodeId?: number): void {
    this.injector.release(this.nodeId('release', nodeId, true)!)
  }

  clear(): void {
    this.injector.clear()
  }

  get fired(): FiredCounts {
    return this.injector.fired
  }

  private apiKey(control: string, api: unknown): number {
    const handler =
      typeof api === 'number'
        ? brokerHandlers.find((h) => h.api.key === api)
        : brokerHandlers.find((h) => h.api.name === api)
    if (!handler) {
      const served = brokerHandlers.map((h) => h.api.name).join(', ')
      throw new FaultArgumentError(control, `${String(api)} is not an API this broker serves (${served})`)
    }
    return handler.api.key
  }

  /** A node id the broker has; when `required`, left out means the only node. */
  private nodeId(control: string, value: unknown, required: boolean): number | undefined {
    const nodes = this.nodeIds()
    if (value === undefined) {
      if (!required) return undefined
      if (nodes.length === 1) return nodes[0]
      throw new FaultArgumentError(control, `name the node: this cluster has nodes ${nodes.join(', ')}`)
    }
    if (typeof value !== 'number' || !nodes.includes(value)) {
      throw new FaultArgumentError(
        control,
        `nodeId ${String(value)} is not a node here (${nodes.join(', ')})`,
      )
    }
    return value
  }
}

function knownOptions(control: string, options: object, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null)
    throw new FaultArgumentError(control, 'options must be an object')
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new FaultArgumentError(control, `unknown option ${key} (known: ${known.join(', ')})`)
    }
  }
}

function errorCodeOf(control: string, value: unknown): number {
  const code = typeof value === 'string' ? ERROR_CODES_BY_NAME.get(value) : value
  if (typeof code !== 'number' || errorInfo(code) === undefined) {
    throw new FaultArgumentError(control, `${String(value)} is not a Kafka error code or error name`)
  }
  if (code === 0) throw new FaultArgumentError(control, 'error code 0 (NONE) is success, not a failure')
  return code
}

function times(control: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (value === Number.POSITIVE_INFINITY) return value
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new FaultArgumentError(
      control,
      `times must be a positive integer or Infinity, got ${String(value)}`,
    )
  }
  return value
}

function partitionScope(
  control: string,
  apiKey: number,
  options: PartitionOption,
): { topic: string | undefined; partition: number | undefined } {
  const { topic, partition } = options
  if (topic === undefined) {
    if (partition !== undefined) throw new FaultArgumentError(control, 'partition needs a topic')
    return { topic: undefined, partition: undefined }
  }
  if (!PARTITION_SCOPED.has(apiKey)) {
    const names = [...PARTITION_SCOPED].map((key) => brokerHandlers.find((h) => h.api.key === key)?.api.name)
    throw new FaultArgumentError(
      control,
      `topic and partition apply only to APIs whose requests name partitions (${names.join(', ')})`,
    )
  }
  if (typeof topic !== 'string' || topic === '')
    throw new FaultArgumentError(control, 'topic must be a non-empty string')
  if (
    partition !== undefined &&
    (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0)
  ) {
    throw new FaultArgumentError(control, `partition must be an integer >= 0, got ${String(partition)}`)
  }
  return { topic, partition }
}
