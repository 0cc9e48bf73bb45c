import { createRequire } from 'node:module'
import type * as OtelApi from '@opentelemetry/api'
import { VERSION } from '../../version.js'

export type Api = typeof OtelApi
export type { Span, Tracer } from '@opentelemetry/api'

const require = createRequire(import.meta.url)

/**
 * Where every copy of the API (its ESM and CJS builds, other packages'
 * copies) keeps what an SDK registered: the tracer provider, context
 * manager and propagator. Before anything is registered there is no
 * `trace` entry, and nothing about tracing needs doing.
 */
const GLOBALS = Symbol.for('opentelemetry.js.api.1')

let loaded: Api | null | undefined
let installed: boolean | undefined

/**
 * Whether the application has `@opentelemetry/api` (an optional peer
 * dependency): resolved once, not loaded.
 */
export function otelApiInstalled(): boolean {
  if (installed === undefined) {
    try {
      require.resolve('@opentelemetry/api')
      installed = true
    } catch {
      installed = false
    }
  }
  return installed
}

/**
 * The API once the application registered a tracer provider through it,
 * else undefined, at the cost of one property read: the API is loaded
 * (synchronously, on first use) only then, so an application that has it
 * installed without tracing pays neither its load time nor its memory
 * (some 40 ms and 7 MiB for the CJS build).
 */
export function registeredApi(): Api | undefined {
  const globals = (globalThis as { [GLOBALS]?: { trace?: unknown } })[GLOBALS]
  if (globals?.trace === undefined) return undefined
  if (loaded === undefined) {
    try {
      loaded = require('@opentelemetry/api') as Api
    } catch {
      loaded = null
    }
  }
  return loaded ?? undefined
}

/** For tests: `null` pretends the API is not installed, `undefined` forgets what was found. */
export function setOtelApiForTesting(api: null | undefined): void {
  loaded = api
  installed = api === null ? false : undefined
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
