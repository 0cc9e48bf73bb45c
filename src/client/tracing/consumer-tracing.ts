import type { Attributes, Context, Link, Span } from '@opentelemetry/api'
import type { ConsumerBatch, ConsumerMessage } from '../consumer/consumer-message.js'
import { Attr, keyText } from './messaging-attributes.js'
import { type Api, activeTracer, otelApiInstalled, registeredApi } from './otel-api.js'
import { extractTraceContext } from './trace-headers.js'

type Handler<T> = (input: T) => unknown

export interface ConsumerTraceInfo {
  readonly groupId: string | undefined
  readonly clientId: string
}

/** A batch span links to at most this many producers' spans. */
const MAX_BATCH_LINKS = 128

/**
 * The handler under a `process <topic>` CONSUMER span per call (each
 * attempt its own span) when a tracer provider is registered, and as it is
 * otherwise (one property read per record). Without `@opentelemetry/api`
 * installed the handler itself is returned: nothing is added to the
 * dispatch path. The span's parent is the
 * producer's span whose context the record's headers carry (and it links
 * to it), else the active context; the handler runs with the span active,
 * so its own spans are its children.
 */
export function tracedHandler(
  handler: Handler<ConsumerMessage>,
  info: ConsumerTraceInfo,
): Handler<ConsumerMessage> {
  if (!otelApiInstalled()) return handler
  return (message) => {
    const api = registeredApi()
    const tracer = api && activeTracer(api)
    if (!api || !tracer) return handler(message)
    const attributes = baseAttributes(message.topic, message.partition, info)
    attributes[Attr.offset] = Number(message.offset)
    const key = keyText(message.key)
    if (key !== undefined) attributes[Attr.key] = key
    if (message.value === null) attributes[Attr.tombstone] = true
    const producer = extractTraceContext(api, message.headers)
    const parent = producer ?? api.context.active()
    const links: Link[] = producer ? [{ context: api.trace.getSpanContext(producer)! }] : []
    const span = tracer.startSpan(
      `process ${message.topic}`,
      { kind: api.SpanKind.CONSUMER, attributes, links },
      parent,
    )
    return run(api, span, api.trace.setSpan(parent, span), () => handler(message))
  }
}

/** As tracedHandler, one span per batch, linked to the producer spans of its records. */
export function tracedBatchHandler(
  handler: Handler<ConsumerBatch>,
  info: ConsumerTraceInfo,
): Handler<ConsumerBatch> {
  if (!otelApiInstalled()) return handler
  return (batch) => {
    const api = registeredApi()
    const tracer = api && activeTracer(api)
    if (!api || !tracer) return handler(batch)
    const attributes = baseAttributes(batch.topic, batch.partition, info)
    attributes[Attr.batchCount] = batch.messages.length
    const links: Link[] = []
    for (const message of batch.messages) {
      if (links.length >= MAX_BATCH_LINKS) break
      const producer = extractTraceContext(api, message.headers)
      if (producer) links.push({ context: api.trace.getSpanContext(producer)! })
    }
    const parent = api.context.active()
    const span = tracer.startSpan(
      `process ${batch.topic}`,
      { kind: api.SpanKind.CONSUMER, attributes, links },
      parent,
    )
    return run(api, span, api.trace.setSpan(parent, span), () => handler(batch))
  }
}

function baseAttributes(topic: string, partition: number, info: ConsumerTraceInfo): Attributes {
  const attributes: Attributes = {
    [Attr.system]: 'kafka',
    [Attr.operationType]: 'process',
    [Attr.operationName]: 'process',
    [Attr.destination]: topic,
    [Attr.partition]: String(partition),
    [Attr.clientId]: info.clientId,
  }
  if (info.groupId !== undefined) attributes[Attr.group] = info.groupId
  return attributes
}

/** Calls `call` with the span's context active; ends the span when its result settles, keeping the result as it is. */
function run(api: Api, span: Span, ctx: Context, call: () => unknown): unknown {
  let result: unknown
  try {
    result = api.context.with(ctx, call)
  } catch (error) {
    failed(api, span, error)
    throw error
  }
  if (
    result !== null &&
    typeof result === 'object' &&
    typeof (result as PromiseLike<unknown>).then === 'function'
  ) {
    return (result as PromiseLike<unknown>).then(
      (value) => {
        span.end()
        return value
      },
      (error: unknown) => {
        failed(api, span, error)
        throw error
      },
    )
  }
  span.end()
  return result
}

function failed(api: Api, span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error))
  span.recordException(err)
  span.setAttribute(Attr.errorType, err.name)
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: err.message })
  span.end()
}
