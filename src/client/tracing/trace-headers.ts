import type { Context, TextMapGetter } from '@opentelemetry/api'
import type { HeadersInput } from '../producer/serializers.js'
import type { Api } from './otel-api.js'

/** W3C Trace Context: `version-traceid-parentid-flags`. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-|$)/

/**
 * The record's headers with the context of `ctx` added for the consumer to
 * continue the trace: by the propagator the application registered (W3C
 * `traceparent`/`tracestate` with the usual SDK setup, or B3, ...), or, when
 * none is registered, by writing `traceparent` here. A header of the same
 * name the record already had is replaced.
 */
export function withTraceHeaders(api: Api, ctx: Context, headers: HeadersInput | undefined): HeadersInput {
  const carrier: Record<string, string> = {}
  if (api.propagation.fields().length > 0) api.propagation.inject(ctx, carrier)
  else {
    const span = api.trace.getSpanContext(ctx)
    if (span && api.trace.isSpanContextValid(span)) {
      carrier.traceparent = `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`
    }
  }
  const added = Object.entries(carrier)
  if (added.length === 0) return headers ?? []
  const entries = headers === undefined ? [] : Array.isArray(headers) ? headers : Object.entries(headers)
  const names = new Set(added.map(([name]) => name))
  return [...entries.filter(([name]) => !names.has(name)), ...added]
}

type HeaderList = readonly (readonly [string, Buffer | null])[]

function headerText(headers: HeaderList, key: string): string | undefined {
  for (const [name, value] of headers) if (name === key) return value?.toString('utf8')
  return undefined
}

const getter: TextMapGetter<HeaderList> = {
  keys: (headers) => headers.map(([name]) => name),
  get: headerText,
}

/**
 * The producer's context carried in a consumed record's headers, or
 * undefined when it carries none: through the registered propagator, or
 * when there is none by reading `traceparent` here.
 */
export function extractTraceContext(api: Api, headers: HeaderList): Context | undefined {
  if (headers.length === 0) return undefined
  const root = api.ROOT_CONTEXT
  if (api.propagation.fields().length > 0) {
    const ctx = api.propagation.extract(root, headers, getter)
    const span = api.trace.getSpanContext(ctx)
    return span && api.trace.isSpanContextValid(span) ? ctx : undefined
  }
  const match = TRACEPARENT.exec(headerText(headers, 'traceparent') ?? '')
  if (!match || match[1] === 'ff') return undefined
  const span = {
    traceId: match[2],
    spanId: match[3],
    traceFlags: Number.parseInt(match[4], 16),
    isRemote: true,
  }
  return api.trace.isSpanContextValid(span) ? api.trace.setSpanContext(root, span) : undefined
}
