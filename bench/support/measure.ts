/**
 * Timing for benchmarks: warm up, size a round to a fixed duration, run several
 * rounds and keep the median. Absolute numbers move with the machine's load;
 * the median of several short rounds moves much less, and ratios between cases
 * whose rounds are interleaved (support/comparison.ts) move less still.
 */

import { median } from './stats.js'

export interface MeasureOptions {
  /** Time spent calling the function before anything is recorded, so the JIT settles. */
  warmupMs: number
  /** Target length of one timed round; the iteration count is derived from it. */
  roundMs: number
  /** Number of timed rounds; the reported rate is their median. */
  rounds: number
}

export interface Measurement {
  /** Median calls per second over the rounds. */
  opsPerSecond: number
  /** (slowest - fastest) / median round rate: how much the rounds disagreed. */
  spread: number
  /** Calls per timed round. */
  iterations: number
}

export const DEFAULT_MEASURE_OPTIONS: MeasureOptions = { warmupMs: 200, roundMs: 120, rounds: 5 }

function positiveFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${raw}`)
  return n
}

/**
 * The defaults, overridable with BENCH_WARMUP_MS, BENCH_ROUND_MS and
 * BENCH_ROUNDS (longer runs for a quiet machine, shorter ones while editing).
 */
export function measureOptionsFromEnv(): MeasureOptions {
  return {
    warmupMs: positiveFromEnv('BENCH_WARMUP_MS', DEFAULT_MEASURE_OPTIONS.warmupMs),
    roundMs: positiveFromEnv('BENCH_ROUND_MS', DEFAULT_MEASURE_OPTIONS.roundMs),
    rounds: Math.round(positiveFromEnv('BENCH_ROUNDS', DEFAULT_MEASURE_OPTIONS.rounds)),
  }
}

/** Results land here so the optimiser cannot drop a call whose value is unused. */
let sink: unknown

/** The value the last measured call returned (also what keeps `sink` observable). */
export function lastResult(): unknown {
  return sink
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  )
}

/** What warming up learned about a function: how to call it and how many calls fill a round. */
export interface Calibration {
  isAsync: boolean
  iterations: number
}

/**
 * A full collection when the process allows it (bench/run.ts passes
 * --expose-gc), so each round starts from a collected heap and no case pays
 * for the garbage its neighbour left.
 */
export function collectGarbage(): void {
  // the previous case's last result would otherwise survive into this one
  sink = undefined
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
}

/**
 * Calls `fn` for `warmupMs` (and at least five times) so the JIT settles, and
 * sizes a round to about `roundMs`. A function that returns a promise is
 * awaited on every call (detected from its first result), so asynchronous
 * variants are timed end to end, including the event-loop hop they cost.
 */
export async function warmUp(fn: () => unknown, options: MeasureOptions): Promise<Calibration> {
  collectGarbage()
  const first = fn()
  const isAsync = isThenable(first)
  sink = isAsync ? await first : first
  let calls = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < options.warmupMs || calls < 5) {
    sink = isAsync ? await fn() : fn()
    calls++
    elapsed = performance.now() - start
  }
  return { isAsync, iterations: Math.max(1, Math.round(options.roundMs / (elapsed / calls))) }
}

/** Times one round and returns its rate in calls per second. */
export async function timeRound(fn: () => unknown, calibration: Calibration): Promise<number> {
  const { isAsync, iterations } = calibration
  collectGarbage()
  const start = performance.now()
  if (isAsync) {
    for (let i = 0; i < iterations; i++) sink = await fn()
  } else {
    for (let i = 0; i < iterations; i++) sink = fn()
  }
  const ms = performance.now() - start
  return (iterations * 1000) / ms
}

/** The median rate and how far the rounds strayed from it. */
export function summarize(rates: readonly number[], iterations: number): Measurement {
  const opsPerSecond = median(rates)
  return {
    opsPerSecond,
    spread: (Math.max(...rates) - Math.min(...rates)) / opsPerSecond,
    iterations,
  }
}
