import type { Attributes, Span, Tracer } from '@opentelemetry/api'
import type { ProducerRecord } from '../producer/producer-record.js'
import type { CompletionSink, RecordMetadata } from '../producer/record-metadata.js'
import { Attr, keyText } from './messaging-attributes.js'
import { type Api, activeTracer, registeredApi } from './otel-api.js'
import { withTraceHeaders } from './trace-headers.js'

type Append = (record: ProducerRecord, sink: CompletionSink) => Promise<void> | undefined

/** Ends a send span once with the record's outcome, then tells the caller's sink. */
class TracedSink implements CompletionSink {
  private ended = false

  constructor(
    private readonly api: Api,
    private readonly inner: CompletionSink,
    private readonly span: Span,
  ) {}

  complete(token: number, metadata: RecordMetadata): void {
    if (!this.ended) {
      this.ended = true
      this.span.setAttribute(Attr.partition, String(metadata.partition))
      if (metadata.offset >= 0n) this.span.setAttribute(Attr.offset, Number(metadata.offset))
      this.span.end()
    }
    this.inner.complete(token, metadata)
  }

  fail(token: number, error: Error): void {
    this.failed(error)
    this.inner.fail(token, error)
  }

  failed(error: Error): void {
    if (this.ended) return
    this.ended = true
    this.span.recordException(error)
    this.span.setAttribute(Attr.errorType, error.name)
    this.span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: error.message })
    this.span.end()
  }
}

/** The tracer for send spans now; undefined without the API or a registered provider (then send makes nothing). */
export function activeSendTracer(): Tracer | undefined {
  const api = registeredApi()
  return api && activeTracer(api)
}

/**
 * Appends a record under a `send <topic>` PRODUCER span (`tracer` from
 * activeSendTracer). The span is a child of the active context, its context goes
 * into the record's headers, and it ends when the record is acknowledged
 * or fails (also when the append itself throws or its promise rejects).
 */
export function traceSend(
  tracer: Tracer,
  record: ProducerRecord,
  topic: string,
  clientId: string,
  sink: CompletionSink,
  append: Append,
): Promise<void> | undefined {
  // activeSendTracer found it
  const api = registeredApi()!
  const attributes: Attributes = {
    [Attr.system]: 'kafka',
    [Attr.operationType]: 'send',
    [Attr.operationName]: 'send',
    [Attr.destination]: topic,
    [Attr.clientId]: clientId,
  }
  const key = keyText(record.key)
  if (key !== undefined) attributes[Attr.key] = key
  if (record.value === null) attributes[Attr.tombstone] = true
  if (record.partition !== undefined) attributes[Attr.partition] = String(record.partition)
  const parent = api.context.active()
  const span = tracer.startSpan(`send ${topic}`, { kind: api.SpanKind.PRODUCER, attributes }, parent)
  const traced = new TracedSink(api, sink, span)
  const headers = withTraceHeaders(api, api.trace.setSpan(parent, span), record.headers)
  let waiting: Promise<void> | undefined
  try {
    waiting = append({ ...record, headers }, traced)
  } catch (error) {
    traced.failed(error as Error)
    throw error
  }
  // a second promise, so the caller still sees (and handles) the rejection of the first
  waiting?.then(undefined, (error: Error) => traced.failed(error))
  return waiting
}
