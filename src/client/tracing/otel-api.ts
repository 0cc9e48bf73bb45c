import { createRequire } from 'node:module'
import type * as OtelApi from '@opentelemetry/api'
import { VERSION } from '../../version.js'

export type Api = typeof OtelApi
export type { Span, Tracer } from '@opentelemetry/api'

/**
 * `@opentelemetry/api` if the application has it (an optional peer
 * dependency), loaded on first use, synchronously, so that nothing about
 * tracing costs anything in an application without it. Its globals (the
 * tracer provider, context manager and propagator an SDK registers) are
 * shared by every copy of the API, so this copy sees what the
 * application's copy registered.
 */
let loaded: Api | null | undefined

export function otelApi(): Api | undefined {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('@opentelemetry/api') as Api
    } catch {
      loaded = null
    }
  }
  return loaded ?? undefined
}

/** For tests: forget what was loaded (`null` pretends the API is not installed). */
export function setOtelApiForTesting(api: Api | null | undefined): void {
  loaded = api
  cache = undefined
}

interface ProviderLike {
  getTracer(name: string, version?: string): OtelApi.Tracer
  getDelegate?: () => object
}

let cache: { delegate: object; tracer: OtelApi.Tracer | undefined } | undefined
let noop: object | undefined

/**
 * The tracer to use now, or undefined when no tracer provider is registered
 * (the API's default no-op provider): then no span, header or closure is
 * made at all. Looked up on every call (a property read and two calls), so
 * a provider registered after the client was made is picked up; the answer
 * is cached per provider.
 */
export function activeTracer(api: Api): OtelApi.Tracer | undefined {
  const provider = api.trace.getTracerProvider() as ProviderLike
  // the global provider is a proxy; what it delegates to changes when an SDK registers one
  const delegate = typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider
  if (cache?.delegate === delegate) return cache.tracer
  noop ??= new api.ProxyTracerProvider().getDelegate()
  // another copy of the API (its ESM or CJS build) has a no-op provider of its own class
  const isNoop =
    delegate === noop ||
    delegate.constructor === noop.constructor ||
    delegate.constructor?.name === noop.constructor.name
  cache = { delegate, tracer: isNoop ? undefined : provider.getTracer('sluice', VERSION) }
  return cache.tracer
}
