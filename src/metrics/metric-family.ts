import { Counter, Gauge, type Registry } from 'prom-client'

export type Labels = Readonly<Record<string, string>>

/** Hands one sample to the metric being collected; `labels` are the metric's own (topic, partition, ...). */
export type Emit = (value: number, labels?: Labels) => void

/** One Prometheus series family read from a source's snapshot at scrape time. */
export interface MetricSpec<S> {
  readonly name: string
  readonly help: string
  /** Counters only ever grow (Prometheus computes rates from them); gauges are values now. */
  readonly type: 'counter' | 'gauge'
  /** Labels of its own, besides the collector's (`labels` option). */
  readonly labelNames?: readonly string[]
  read(snapshot: S, emit: Emit): void
}

/** A counter read from one number of the snapshot. */
export function counter<S>(name: string, help: string, read: (snapshot: S) => number): MetricSpec<S> {
  return { name, help, type: 'counter', read: (m, emit) => emit(read(m)) }
}

/** A gauge read from one number of the snapshot. */
export function gauge<S>(name: string, help: string, read: (snapshot: S) => number): MetricSpec<S> {
  return { name, help, type: 'gauge', read: (m, emit) => emit(read(m)) }
}

interface PartitionFigures {
  readonly topic: string
  readonly partition: number
}

/** A gauge per partition of the snapshot (labels topic and partition). */
export function perPartition<S extends { readonly partitions: readonly PartitionFigures[] }>(
  name: string,
  help: string,
  read: (partition: S['partitions'][number]) => number,
): MetricSpec<S> {
  return {
    name,
    help,
    type: 'gauge',
    labelNames: ['topic', 'partition'],
    read: (m, emit) => {
      for (const p of m.partitions) emit(read(p), { topic: p.topic, partition: String(p.partition) })
    },
  }
}

/** What `collect*Metrics` returns: `stop()` takes the source off the registry (its series disappear). */
export interface MetricsCollection {
  stop(): void
}

interface Source<S> {
  readonly snapshot: () => S
  readonly labels: Labels
  /** The snapshot of the scrape under way: one read per scrape however many families use it. */
  cached: S | undefined
}

/** Every source of one kind on one registry, and the families that read them. */
class SourceGroup<S> {
  readonly sources = new Set<Source<S>>()

  constructor(
    readonly labelNames: readonly string[],
    readonly families: readonly string[],
  ) {}
}

const groups = new WeakMap<Registry, Map<string, SourceGroup<unknown>>>()

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/**
 * Registers `source` under `kind` on `registry`: the first source of a kind
 * creates its families (prom-client metrics whose `collect()` reads every
 * source of the kind), later ones join them; the last one to stop removes
 * them. Sources of one kind on one registry need the same label names and
 * different label values, or their series would collide.
 */
export function collectFrom<S>(
  kind: string,
  specs: readonly MetricSpec<S>[],
  registry: Registry,
  labels: Labels | undefined,
  snapshot: () => S,
): MetricsCollection {
  const own = checkLabels(labels ?? {}, specs)
  const labelNames = Object.keys(own).sort()
  let byKind = groups.get(registry)
  if (!byKind) {
    byKind = new Map()
    groups.set(registry, byKind)
  }
  let group = byKind.get(kind) as SourceGroup<S> | undefined
  if (group) {
    if (group.labelNames.join() !== labelNames.join()) {
      throw new TypeError(
        `labels: every ${kind} on one registry needs the same label names; the others have [${group.labelNames.join(', ')}], this one [${labelNames.join(', ')}]`,
      )
    }
    const key = labelKey(own, labelNames)
    for (const other of group.sources) {
      if (labelKey(other.labels, labelNames) === key) {
        throw new TypeError(
          `labels: another ${kind} on this registry has the same labels ${JSON.stringify(own)}; give each its own (e.g. { client: 'a' })`,
        )
      }
    }
  } else {
    group = createGroup(specs, registry, labelNames)
    byKind.set(kind, group as SourceGroup<unknown>)
  }
  const source: Source<S> = { snapshot, labels: own, cached: undefined }
  group.sources.add(source)
  const joined = group
  let stopped = false
  return {
    stop() {
      if (stopped) return
      stopped = true
      joined.sources.delete(source)
      if (joined.sources.size > 0) return
      for (const name of joined.families) registry.removeSingleMetric(name)
      byKind.delete(kind)
    },
  }
}

function createGroup<S>(
  specs: readonly MetricSpec<S>[],
  registry: Registry,
  labelNames: readonly string[],
): SourceGroup<S> {
  const existing = specs.find((spec) => registry.getSingleMetric(spec.name))
  if (existing) {
    throw new TypeError(`registry: it already has a metric named ${existing.name} not registered by sluice`)
  }
  const group = new SourceGroup<S>(
    labelNames,
    specs.map((s) => s.name),
  )
  for (const spec of specs) {
    const names = [...labelNames, ...(spec.labelNames ?? [])]
    const config = { name: spec.name, help: spec.help, labelNames: names, registers: [registry] }
    if (spec.type === 'counter') {
      const counter: Counter<string> = new Counter({
        ...config,
        collect() {
          counter.reset()
          forEachSample(group, spec, (value, labels) => counter.inc(labels, value))
        },
      })
    } else {
      const gauge: Gauge<string> = new Gauge({
        ...config,
        collect() {
          gauge.reset()
          forEachSample(group, spec, (value, labels) => gauge.set(labels, value))
        },
      })
    }
  }
  return group
}

function forEachSample<S>(
  group: SourceGroup<S>,
  spec: MetricSpec<S>,
  sample: (value: number, labels: Labels) => void,
): void {
  for (const source of group.sources) {
    if (source.cached === undefined) {
      source.cached = source.snapshot()
      // every family's collect() of one scrape runs before the next microtask
      queueMicrotask(() => {
        source.cached = undefined
      })
    }
    spec.read(source.cached as S, (value, labels) => {
      // a counter only grows; a source that reports nothing yet reads 0
      if (!Number.isFinite(value)) return
      sample(value, labels ? { ...source.labels, ...labels } : source.labels)
    })
  }
}

function checkLabels<S>(labels: Labels, specs: readonly MetricSpec<S>[]): Labels {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new TypeError(`labels: must be an object of label names to string values, got ${String(labels)}`)
  }
  const reserved = new Set(specs.flatMap((s) => s.labelNames ?? []))
  for (const [name, value] of Object.entries(labels)) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      throw new TypeError(`labels: ${JSON.stringify(name)} is not a Prometheus label name`)
    }
    if (reserved.has(name)) throw new TypeError(`labels: ${name} is used by sluice's own series`)
    if (typeof value !== 'string') {
      throw new TypeError(`labels: the value of ${name} must be a string, got ${typeof value}`)
    }
  }
  return { ...labels }
}

function labelKey(labels: Labels, names: readonly string[]): string {
  return JSON.stringify(names.map((n) => labels[n]))
}
