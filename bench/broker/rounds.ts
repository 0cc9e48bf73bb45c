import type { Engine, LoadName, Phase, ScenarioResult } from './scenario.js'

/**
 * Combines repeated runs of the same scenarios. Other work on a shared
 * machine can only slow a phase down, never speed it up, so the fastest
 * round is the best estimate of what the broker can do; how far the rounds
 * disagree is kept beside it so that a noisy figure shows as noisy.
 */

export interface BestPhase extends Phase {
  /** (fastest - slowest) / fastest rate over the rounds; 0 with one round. */
  spread: number
}

export interface CombinedResult {
  engine: Engine
  load: LoadName
  ingest: BestPhase
  fetch: BestPhase
  /** From the first round: every round starts a fresh broker, so later ones only repeat it. */
  memory: ScenarioResult['memory']
}

function rate(phase: Phase): number {
  return phase.records / phase.seconds
}

function best(phases: readonly Phase[]): BestPhase {
  const rates = phases.map(rate)
  const fastest = Math.max(...rates)
  const chosen = phases[rates.indexOf(fastest)]
  return { ...chosen, spread: (fastest - Math.min(...rates)) / fastest }
}

/** `rounds[i]` holds round i's results, the same scenarios in the same order each round. */
export function combineRounds(rounds: readonly (readonly ScenarioResult[])[]): CombinedResult[] {
  const [first] = rounds
  if (!first) return []
  return first.map((result, i) => {
    const runs = rounds.map((round) => round[i])
    if (runs.some((r) => r.engine !== result.engine || r.load !== result.load)) {
      throw new Error('rounds ran different scenarios')
    }
    return {
      engine: result.engine,
      load: result.load,
      ingest: best(runs.map((r) => r.ingest)),
      fetch: best(runs.map((r) => r.fetch)),
      memory: result.memory,
    }
  })
}
