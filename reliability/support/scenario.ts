/**
 * What a reliability scenario is and what it reports. A scenario starts its
 * own broker(s) and client processes, does harm to them (kills, faults,
 * overload, bad answers), and then lets an independent checker (kcat
 * reading the topic back, compared with the producer's own log of
 * acknowledged records and the consumers' logs of processed ones) count
 * what was lost and what was duplicated. The runner (../run.ts) prints one
 * table row per result and fails when a check failed.
 */

export type TargetName = 'embedded' | 'kafka'

export interface RunOptions {
  /** The CI variant: fewer kills, a shorter storm, a shorter overload. */
  readonly short: boolean
  /** Seeds every random choice of the run; named in the report so a run can be repeated. */
  readonly seed: number
  /** A fresh directory for this scenario's logs and data, removed after the run unless it failed. */
  readonly workDir: string
  /** Progress lines (stderr), so a long run shows it is alive. */
  log(line: string): void
}

/** One promise of the scenario, checked after the run. */
export interface Check {
  readonly what: string
  readonly ok: boolean
  /** Why it failed (the first offenders), or a figure worth showing when it passed. */
  readonly detail?: string
}

export interface MemoryFigure {
  /** Which process: `consumer`, `producer`, `broker`. */
  readonly name: string
  /** Highest resident set size seen over all its lives, in bytes. */
  readonly peakBytes: number
  /** The bound the scenario holds it to (baseline + budget + 10 %), when it has one. */
  readonly boundBytes?: number
}

export interface ScenarioResult {
  readonly scenario: string
  readonly target: TargetName
  /** E.g. the assignor of a rebalance storm; empty when the scenario has one variant. */
  readonly variant: string
  /** Records the producer handed to send(). */
  readonly sent: number
  /** Records the producer got an acknowledgement for (its ack log). */
  readonly acked: number
  /** Distinct records the consumers processed (-1: the scenario has no consumer). */
  readonly consumed: number
  /** Acknowledged records missing from the topic, plus (with a consumer) records in the topic never processed. */
  readonly lost: number
  /** Records stored twice in the topic, plus (with a consumer) records processed more than once. */
  readonly duplicated: number
  readonly memory: readonly MemoryFigure[]
  readonly checks: readonly Check[]
  /** What happened (kills, faults, timings), printed under the table. */
  readonly notes: readonly string[]
  readonly seconds: number
}

export interface Scenario {
  /** Command-line name, e.g. `consumer-kill`. */
  readonly id: string
  /** Its number in the issue and the README table. */
  readonly number: number
  readonly title: string
  readonly targets: readonly TargetName[]
  /** One result per variant. */
  run(target: TargetName, options: RunOptions): Promise<ScenarioResult[]>
}

export function check(what: string, ok: boolean, detail?: string): Check {
  return { what, ok, detail }
}

/** A check that a list of offenders is empty, naming the first few when it is not. */
export function noneOf<T>(
  what: string,
  offenders: readonly T[],
  describe: (offender: T) => string = String,
): Check {
  if (offenders.length === 0) return { what, ok: true }
  const first = offenders
    .slice(0, 5)
    .map((o) => describe(o))
    .join('; ')
  return { what, ok: false, detail: `${offenders.length}: ${first}${offenders.length > 5 ? '; ...' : ''}` }
}
